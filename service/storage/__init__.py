"""Storage: the PostgreSQL schema's owner. Every SQL statement of the service lives here."""
