"""CSV files for Excel as Swedish offices open them: `;`, UTF-8 with BOM, CRLF, formula-escaped cells.

Why: see dialogs/documents/follow_log.py (Swedish Excel's list separator is `;`; without the BOM å, ä and ö come
out garbled; a cell starting with = + - @ or a tab/CR would be read as a formula and gets a leading apostrophe).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from dialogs.documents.blocks import plain


def safe_cell(value: object) -> str:
    text = plain(str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
