"""API: GraphQL types, loaders and the HTTP endpoint, over storage."""
