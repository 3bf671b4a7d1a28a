"""Root fields: Query (reads, open to all) and Mutation (writes, need a write token)."""
