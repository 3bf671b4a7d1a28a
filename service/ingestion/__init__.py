"""Ingestion: a transcript page as text in, a ParsedDocument out. Pure Python, no database."""
