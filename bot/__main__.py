"""`python -m bot` is the same as `forumbot`."""

from bot.cli import main

main()
