"""Log lines escape control characters: a newline in an id cannot forge log lines (issue 6 item 9)."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bot.log_safety import EscapeControlCharacters, escape_controls

FORGED_ID = "a:1\n2026-12-01 07:00:00,000 ERROR bot.delivery: delivery alert: unauthorized row=1\r\nERROR again"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a:personal-alice", "a:personal-alice"),
        ("19:abc@thread.tacv2;messageid=1700000000000", "19:abc@thread.tacv2;messageid=1700000000000"),
        ("Åsa Öberg-Müller", "Åsa Öberg-Müller"),
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("a\tb", "a\\tb"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("nul\x00", "nul\\x00"),
        ("del\x7f", "del\\x7f"),
        ("nel\x85", "nel\\x85"),
        ("line\u2028sep\u2029", "line\\u2028sep\\u2029"),
        ("rtl\u202eoverride", "rtl\\u202eoverride"),
        ("lone\ud800", "lone\\ud800"),
        ("no\u00a0break", "no\u00a0break"),  # a non-breaking space is not a control character
    ],
)
def test_escape_controls(text: str, escaped: str) -> None:
    assert escape_controls(text) == escaped


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(EscapeControlCharacters())
    logger = logging.getLogger("tests.log_safety")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
        logger.propagate = True


def test_a_newline_in_an_argument_stays_on_one_line(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.error("turn failed: type=%s conversation=%s activity=%s", "message", FORGED_ID, "1\u2028x")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("ERROR tests.log_safety: turn failed: type=message conversation=a:1\\n2026-12-01")
    assert "\\r\\nERROR again activity=1\\u2028x" in lines[0]


def test_a_newline_in_the_message_itself_is_escaped(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    message = "dropped activity " + FORGED_ID  # someone building the message eagerly
    logger.warning(message)
    assert len(stream.getvalue().splitlines()) == 1


def test_percent_signs_survive_and_messages_without_args_are_unchanged(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.info("100%% done for %s", "row=1")
    logger.error("plain 50% message")
    assert stream.getvalue().splitlines() == [
        "INFO tests.log_safety: 100% done for row=1",
        "ERROR tests.log_safety: plain 50% message",
    ]


def test_a_traceback_keeps_its_own_lines(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed for %s", "a\nb")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "ERROR tests.log_safety: failed for a\\nb"
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == "ValueError: boom"


def test_the_application_logging_setup_escapes() -> None:
    """`forumbot serve` logs through configure_logging: run it in a fresh interpreter and read stderr."""
    program = (
        "import logging\n"
        "from bot.cli import configure_logging\n"
        "configure_logging('INFO')\n"
        "logging.getLogger('bot.adapter').error('turn failed: conversation=%s activity=%s', "
        f"{FORGED_ID!r}, 'x\\u2028y')\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert " ERROR bot.adapter: turn failed: conversation=a:1\\n2026-12-01 " in lines[0]
    assert lines[0].endswith("activity=x\\u2028y")
