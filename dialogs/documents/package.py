"""Deterministic zip files: the same entries give the same bytes (fixed timestamps, sorted names, no extra
fields, one compression level), so a checksum of a package can be recomputed and compared."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest date: no clock in the file


def zip_bytes(entries: Mapping[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever system wrote it
            archive.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()
