"""Strawberry types of the public contract (shared/api/contract.graphql)."""
