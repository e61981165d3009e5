"""Facts: what the extractors observe and the rules read."""
