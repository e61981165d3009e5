"""Rules: one module per family; the registry lists them explicitly in code order."""
