"""foedus: treaties as executable models, run against dated events, as of any date."""

__version__ = "0.1.0"
