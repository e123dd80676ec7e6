"""effiskel: efficiency-skeleton training for code LLMs."""
__version__ = "0.1.0"
