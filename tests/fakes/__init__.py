"""Loopback fakes for the services Forumbot talks to (the Bot Connector)."""
