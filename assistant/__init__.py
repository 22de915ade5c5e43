"""Plan Assistant: answers questions about Chinese health-policy plans with exact citations."""

__version__ = "0.1.0"
