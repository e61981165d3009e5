"""Static facts: read from a notebook's source, nothing executed."""
