"""Log lines cannot be forged: control characters in a rendered message become visible escapes.

Ids come from the outside (activity, conversation and user ids); one with a newline used to write extra,
convincing log lines. The filter renders each record's message with its arguments and escapes every control,
format, surrogate and line/paragraph separator character (`\\n` → `\\\\n`, ESC → `\\\\x1b`, U+2028 → `\\\\u2028`).
Tracebacks are left as they are (their line breaks are the traceback's own).
"""

from __future__ import annotations

import json
import logging
import unicodedata

_ESCAPED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def escape_controls(text: str) -> str:
    if text.isprintable():  # the common case: nothing to escape (isprintable is False for all of _ESCAPED)
        return text
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in _ESCAPED else ch for ch in text
    )


class EscapeControlCharacters(logging.Filter):
    """Attach to a handler: the record's message is rendered once, escaped, and its arguments dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format call: let the handler report it as usual
            return True
        record.msg = escape_controls(message)
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line with the fields of the text format: time, level, logger, message (the same
    escaped, id-only message), and the exception type when there is one. Never message text from people: log
    calls carry ids only, and that does not change with the format."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
