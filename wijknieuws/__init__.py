"""wijknieuws: a static site generator for a city's news and decisions."""

__version__ = "0.1.0"
