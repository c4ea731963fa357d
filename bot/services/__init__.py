"""Use cases: domain rules + storage + rendered messages. No botbuilder here (a test checks it)."""
