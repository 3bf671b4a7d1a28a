"""Transcripts service: press-conference transcripts in, who-said-what GraphQL out."""
