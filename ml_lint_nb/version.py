"""The package version, in a module of its own so that every layer can read it without
importing the package root (whose public API reaches up to the front ends)."""

__version__ = "0.1.0"
