"""The `forumbot` command: serve, migrate, package."""

from __future__ import annotations

import argparse
import logging
import sys
from importlib import metadata
from pathlib import Path

from pydantic import ValidationError

from bot.log_safety import EscapeControlCharacters
from bot.settings import Mode, Settings

log = logging.getLogger("forumbot")

BANNER = """
================================================================================
  Forumbot is running in LOCAL MODE: authentication is OFF.
  It listens only on http://{host}:{port}/api/messages and accepts unsigned requests.
  Never expose this port. For production set FORUMBOT_MODE=production and credentials.

  Try it in the Microsoft 365 Agents Playground (emulates Teams chats and channels):
      npx @microsoft/m365agentsplayground -e http://{host}:{port}/api/messages -c msteams --disable-telemetry
  Database: {database}
================================================================================
"""


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(EscapeControlCharacters())  # a newline in an id cannot forge a log line
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[handler],
    )
    # aiohttp's access log never includes headers, so the Authorization header is not written anywhere.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)  # one line per tick otherwise


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as invalid:
        lines = [f"  - {'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in invalid.errors()]
        sys.stderr.write("Forumbot cannot start; the settings are not valid:\n" + "\n".join(lines) + "\n")
        raise SystemExit(2) from None


def serve(settings: Settings) -> None:
    from aiohttp import web

    from bot.app import create_app

    if settings.mode is Mode.LOCAL and not settings.auth_enabled:
        sys.stderr.write(BANNER.format(host=settings.host, port=settings.port, database=settings.database_url))
    web.run_app(create_app(settings, migrate=True), host=settings.host, port=settings.port, print=None)


def migrate(settings: Settings) -> None:
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    log.info("database is up to date")


def package(settings: Settings, out: Path) -> None:
    from manifest.build import build_package

    if not settings.app_id:
        sys.stderr.write(
            "Note: FORUMBOT_APP_ID is empty; the package gets a placeholder bot id and only suits the Playground.\n"
        )
    bot_id = settings.app_id or "00000000-0000-0000-0000-000000000000"
    path = build_package(
        out, app_id=settings.manifest_app_id, bot_id=bot_id, base_url=settings.public_base_url,
        version=metadata.version("forumbot"),
    )
    sys.stdout.write(f"wrote {path}\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="forumbot", description="Forumbot for Microsoft Teams")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="migrate the database and serve /api/messages")
    sub.add_parser("migrate", help="bring the database schema up to date")
    pkg = sub.add_parser("package", help="write the Teams app package (zip)")
    pkg.add_argument("--out", type=Path, default=Path("dist/forumbot-teams-app.zip"))
    args = parser.parse_args(argv)
    settings = load_settings()
    configure_logging(settings.log_level)
    if args.command == "serve":
        serve(settings)
    elif args.command == "migrate":
        migrate(settings)
    else:
        package(settings, args.out)


if __name__ == "__main__":
    main()
