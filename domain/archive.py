"""Archive packages (arkivpaket) and disclosure exports (utlämnande): what they hold and their manifest.

A package is a set of files with a JSON manifest: for each file its name, title, forum, date, organisations,
version, size and SHA-256; for the package the forum, what it covers and a checksum over the files' checksums. The
manifest has sorted keys and files in name order, and holds no time of making: the same records give the same
package, byte for byte, and anyone can recompute every checksum. The year of an exported archive package is locked:
its minutes can no longer be corrected (the archive is the copy of record).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PackageFile:
    name: str
    body: bytes
    title: str
    day: date | None = None
    organisations: tuple[str, ...] = ()
    version: int | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


def manifest(forum: str, covers: str, files: Sequence[PackageFile]) -> bytes:
    entries: list[dict[str, object]] = [{
                "name": f.name, "title": f.title, "forum": forum, "date": f.day.isoformat() if f.day else None,
                "organisations": list(f.organisations), "version": f.version, "bytes": len(f.body),
                "sha256": f.sha256} for f in sorted(files, key=lambda f: f.name)]
    package = hashlib.sha256("".join(f"{e['sha256']} {e['name']}\n" for e in entries).encode()).hexdigest()
    body = {"forum": forum, "covers": covers, "files": entries, "package_sha256": package, "format": 1}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8") + b"\n"
