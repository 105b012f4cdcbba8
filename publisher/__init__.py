"""publisher: write a news story once, publish it in every language."""

__version__ = "0.1.0"
