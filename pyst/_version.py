"""The single source of the pyst-sim version (read by pyproject.toml and ``pyst.__version__``)."""

__version__ = "0.1.0"
