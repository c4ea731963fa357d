"""Deterministic zip files: the same entries give the same bytes (fixed timestamps, sorted names, no extra
fields, one compression level), so a checksum of a package can be recomputed and compared."""

from __future__ import annotations

import io
import re
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


_STAMPS = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def fixed_zip(blob: bytes, stamp: str = "2000-01-01T00:00:00Z") -> bytes:
    """The same zip (a .docx) rewritten in its own entry order with fixed timestamps: python-docx stamps the
    time of saving on every entry, so two saves of one document differ; after this they do not."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as source, zipfile.ZipFile(out, "w") as archive:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            data = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":  # Word's own created/modified dates: the record's date
                data = _STAMPS.sub(rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            archive.writestr(info, data, compresslevel=6)
    return out.getvalue()
