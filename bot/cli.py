"""The `forumbot` command: serve, migrate, package."""

from __future__ import annotations

import argparse
import logging
import sys
from importlib import metadata
from pathlib import Path

from pydantic import ValidationError

from bot.log_safety import EscapeControlCharacters, JsonFormatter
from bot.operations import run_check, run_outbox
from bot.settings import Mode, PackageSettings, Settings

log = logging.getLogger("forumbot")

BANNER = """
================================================================================
  Forumbot is running in LOCAL MODE: authentication is OFF.
  It listens only on http://{host}:{port}/api/messages and accepts unsigned requests.
  Never expose this port. For production set FORUMBOT_MODE=production and credentials.

  Try it in the Microsoft 365 Agents Playground (emulates Teams chats and channels):
      npx @microsoft/m365agentsplayground@0.2.28 -e http://{host}:{port}/api/messages -c msteams --disable-telemetry
  Database: {database}
================================================================================
"""


def configure_logging(level: str, log_format: str = "text") -> None:
    handler = logging.StreamHandler()
    handler.addFilter(EscapeControlCharacters())  # a newline in an id cannot forge a log line
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
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
        sys.stderr.write("Forumbot cannot start; the settings are not valid:\n" + describe(invalid) + "\n")
        raise SystemExit(2) from None


def describe(invalid: ValidationError) -> str:
    """One line per problem, each naming the setting."""
    lines = []
    for error in invalid.errors():
        where = ".".join(str(p) for p in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        for line in message.splitlines():
            if line.strip():
                lines.append(f"  - {where + ': ' if where else ''}{line.strip()}")
    return "\n".join(lines)


def serve(settings: Settings, *, migrate: bool = True) -> None:
    from aiohttp import web

    from bot.app import create_app

    if settings.mode is Mode.LOCAL and not settings.auth_enabled:
        sys.stderr.write(BANNER.format(host=settings.host, port=settings.port, database=settings.database_url))
    run_migrations = migrate and settings.migrate_on_start
    if not run_migrations:
        log.info("not migrating on start (--no-migrate or FORUMBOT_MIGRATE_ON_START=false)")
    web.run_app(create_app(settings, migrate=run_migrations), host=settings.host, port=settings.port, print=None)


def migrate(settings: Settings) -> None:
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    log.info("database is up to date")


def package(out: Path) -> None:
    """Write the Teams app package. Needs only the app id and the manifest settings (no secret, no tenant)."""
    from manifest.build import Developer, build_package

    try:
        settings = PackageSettings()
    except ValidationError as invalid:
        sys.stderr.write("Forumbot cannot write the package; the settings are not valid:\n" + describe(invalid) + "\n")
        raise SystemExit(2) from None
    developer = None
    if not settings.app_id:
        sys.stderr.write(
            "Note: FORUMBOT_APP_ID is empty; the package gets a placeholder bot id and only suits the Playground.\n"
        )
    else:
        missing = settings.missing_for_release()
        if missing:
            sys.stderr.write("Forumbot cannot write the package:\n" + "\n".join(f"  - {m}" for m in missing) + "\n")
            raise SystemExit(2)
        base = settings.public_base_url.rstrip("/")
        developer = Developer(settings.developer_name, settings.developer_website or f"{base}/",
                              settings.privacy_url, settings.terms_url)
    bot_id = settings.app_id or "00000000-0000-0000-0000-000000000000"
    try:
        path = build_package(
            out, app_id=settings.manifest_app_id, bot_id=bot_id, base_url=settings.public_base_url,
            version=metadata.version("forumbot"), developer=developer,
        )
    except ValueError as problem:
        sys.stderr.write(f"Forumbot cannot write the package: {problem}\n")
        raise SystemExit(2) from None
    sys.stdout.write(f"wrote {path}\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="forumbot", description="Forumbot for Microsoft Teams")
    sub = parser.add_subparsers(dest="command", required=True)
    serve_cmd = sub.add_parser("serve", help="migrate the database and serve /api/messages")
    serve_cmd.add_argument("--no-migrate", action="store_true",
                           help="do not migrate on start (migrations run as a release step: forumbot migrate)")
    sub.add_parser("migrate", help="bring the database schema up to date")
    box = sub.add_parser("outbox", help="list dead letters and stuck messages, or retry / drop one")
    box.add_argument("action", nargs="?", choices=["list", "retry", "drop"], default="list")
    box.add_argument("row_id", nargs="?", type=int)
    box.add_argument("--forum", help="only this forum (id or name)")
    chk = sub.add_parser("check", help="check the settings, the database and the token endpoint")
    chk.add_argument("--token-url", help=argparse.SUPPRESS)  # tests point it at a loopback listener
    pkg = sub.add_parser("package", help="write the Teams app package (zip)")
    pkg.add_argument("--out", type=Path, default=Path("dist/forumbot-teams-app.zip"))
    args = parser.parse_args(argv)
    if args.command == "package":
        package(args.out)
        return
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    if args.command == "serve":
        serve(settings, migrate=not args.no_migrate)
    elif args.command == "outbox":
        if args.action != "list" and args.row_id is None:
            parser.error(f"outbox {args.action} needs the row id (see: forumbot outbox)")
        raise SystemExit(run_outbox(settings, args.action, args.row_id, args.forum))
    elif args.command == "check":
        raise SystemExit(run_check(settings, args.token_url))
    else:
        migrate(settings)


if __name__ == "__main__":
    main()
