"""aip-emulator: a local emulator of the Jira Assets & Inventory Plugin REST API."""

__version__ = "0.1.0"
