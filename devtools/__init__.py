"""Tools for development shared by tests/ and bench/ (the fake Bot Connector); not part of the package."""
