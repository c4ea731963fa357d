"""Downloads behind the signed link for issue 11's documents, by the link's subject prefix.

A signed link names a subject and a person (bot/exports.py). Meetings are subjects without a prefix and the
follow-up log is `forum:<id>` (bot/export_routes.py); each part of issue 11 has its own prefix and handler module,
joined here. A handler checks again, at download time, that the person may have the document, records the
download in the audit trail and answers 404 (the same as an expired link) otherwise.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

# (request, subject without its prefix, person id, file name) -> the response
Download = Callable[[web.Request, str, str, str], Awaitable[web.Response]]

GONE = {"error": "link expired or invalid"}


def gone() -> web.Response:
    return web.json_response(GONE, status=404)


def handlers() -> dict[str, Download]:
    """Prefix -> handler. Each prefix ends with ':' and none is a prefix of another."""
    from bot import download_admin, download_archive, download_report, download_retention

    joined: dict[str, Download] = {}
    for part in (download_report.DOWNLOADS, download_admin.DOWNLOADS, download_retention.DOWNLOADS,
                 download_archive.DOWNLOADS):
        joined.update(part)
    return joined
