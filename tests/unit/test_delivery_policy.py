"""The delivery worker's failure policy (bot.delivery.policy), on plain data: no botbuilder, no database, no HTTP.

What a failed call to Teams means for its row: when it is tried again, when it is given up, and when its
conversation is gone.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.delivery.policy import (
    Failure,
    FailureKind,
    Limits,
    Target,
    backoff_seconds,
    failure_kind,
    outcome_of,
    parse_retry_after,
)

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
LIMITS = Limits(max_attempts=4, retry_base_seconds=1.0, retry_max_seconds=60.0)
CHANNEL = Target(
    created=False, conversation_id="19:forum", personal=False, is_update=False, request_made=True, person_id=None
)
PERSONAL = Target(
    created=False, conversation_id="a:anna", personal=True, is_update=False, request_made=True, person_id="29:anna"
)
UPDATE = Target(
    created=False, conversation_id="19:forum", personal=False, is_update=True, request_made=True, person_id=None
)


def half() -> float:
    return 0.5


def never() -> float:
    raise AssertionError("no jitter is drawn for this failure")


def seconds_until(when: datetime | None) -> float:
    assert when is not None
    return (when - NOW).total_seconds()


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (429, FailureKind.THROTTLED),
        (None, FailureKind.TRANSIENT),
        (408, FailureKind.TRANSIENT),
        (412, FailureKind.TRANSIENT),
        (500, FailureKind.TRANSIENT),
        (503, FailureKind.TRANSIENT),
        (507, FailureKind.TRANSIENT),
        (501, FailureKind.PERMANENT),
        (505, FailureKind.PERMANENT),
        (401, FailureKind.UNAUTHORIZED),
        (413, FailureKind.TOO_LARGE),
        (403, FailureKind.GONE),
        (404, FailureKind.GONE),
        (400, FailureKind.PERMANENT),
    ],
)
def test_each_status_is_classified(status: int | None, kind: FailureKind) -> None:
    assert failure_kind(Failure(status, "Code")) is kind


def test_a_429_waits_its_retry_after_and_holds_its_conversation() -> None:
    outcome = outcome_of(Failure(429, "Throttled", "7"), 1, CHANNEL, LIMITS, NOW, never)
    assert outcome.kind == "retry"
    assert seconds_until(outcome.next_attempt_at) == 7.0
    assert seconds_until(outcome.throttled_until) == 7.0
    assert outcome.hold_lane
    assert (outcome.error, outcome.status_code) == ("429 Throttled", 429)


def test_a_429_without_retry_after_backs_off() -> None:
    outcome = outcome_of(Failure(429, "Throttled"), 3, CHANNEL, LIMITS, NOW, half)
    assert seconds_until(outcome.next_attempt_at) == backoff_seconds(3, 1.0, 60.0, 0.5) == 6.0


def test_the_last_429_is_dead_but_still_pauses_its_conversation() -> None:
    outcome = outcome_of(Failure(429, "Throttled", "2"), 4, CHANNEL, LIMITS, NOW, never)
    assert outcome.kind == "dead"
    assert outcome.next_attempt_at is None
    assert seconds_until(outcome.throttled_until) == 2.0


def test_a_503_waits_the_longer_of_its_backoff_and_its_retry_after() -> None:
    long_wait = outcome_of(Failure(503, "ServiceUnavailable", "30"), 1, CHANNEL, LIMITS, NOW, half)
    short_wait = outcome_of(Failure(503, "ServiceUnavailable", "0"), 1, CHANNEL, LIMITS, NOW, half)
    assert (long_wait.kind, seconds_until(long_wait.next_attempt_at)) == ("retry", 30.0)
    assert (short_wait.kind, seconds_until(short_wait.next_attempt_at)) == ("retry", 1.5)
    assert long_wait.throttled_until is None and long_wait.hold_lane


def test_a_timeout_is_retried_until_the_attempts_are_used_up() -> None:
    timeout = Failure(None, "timeout")
    waits = [seconds_until(outcome_of(timeout, n, CHANNEL, LIMITS, NOW, half).next_attempt_at) for n in (1, 2, 3)]
    assert waits == [1.5, 3.0, 6.0]
    last = outcome_of(timeout, 4, CHANNEL, LIMITS, NOW, never)
    assert (last.kind, last.error, last.status_code) == ("dead", "timeout", None)


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (Failure(401, "BotNotRegistered"), "unauthorized"),
        (Failure(401, "unauthorized_after_refresh"), "unauthorized"),
        (Failure(413, "MessageSizeTooBig"), "too_large"),
        (Failure(400, "BadArgument"), "400 BadArgument"),
        (Failure(501, "NotImplemented"), "501 NotImplemented"),
    ],
)
def test_failures_that_resending_cannot_fix_are_dead_at_the_first_attempt(failure: Failure, error: str) -> None:
    outcome = outcome_of(failure, 1, PERSONAL, LIMITS, NOW, never)
    assert (outcome.kind, outcome.error, outcome.status_code) == ("dead", error, failure.status)
    assert outcome.gone_conversation_id is None and not outcome.hold_lane


def test_a_403_retires_the_conversation_and_the_persons_1to1_rows() -> None:
    outcome = outcome_of(Failure(403, "BotNotInConversationRoster"), 1, PERSONAL, LIMITS, NOW, never)
    assert outcome.kind == "dead"
    assert (outcome.gone_conversation_id, outcome.gone_person_id) == ("a:anna", "29:anna")


def test_a_404_on_a_channel_retires_the_channel_but_no_person() -> None:
    outcome = outcome_of(Failure(404, "ConversationNotFound"), 1, CHANNEL, LIMITS, NOW, never)
    assert (outcome.gone_conversation_id, outcome.gone_person_id) == ("19:forum", None)


def test_a_404_on_an_update_is_only_about_the_message_unless_teams_says_the_conversation() -> None:
    deleted = outcome_of(Failure(404, "NotFound"), 1, UPDATE, LIMITS, NOW, never)
    gone = outcome_of(Failure(404, "ConversationNotFound"), 1, UPDATE, LIMITS, NOW, never)
    assert (deleted.kind, deleted.gone_conversation_id) == ("dead", None)
    assert (gone.kind, gone.gone_conversation_id) == ("dead", "19:forum")


def test_a_failed_create_that_never_left_retires_nothing() -> None:
    create = Target(
        created=True, conversation_id="a:new", personal=True, is_update=False, request_made=False, person_id="29:anna"
    )
    outcome = outcome_of(Failure(404, "ConversationNotFound"), 1, create, LIMITS, NOW, never)
    assert (outcome.kind, outcome.gone_conversation_id, outcome.gone_person_id) == ("dead", None, None)


def test_retry_after_as_seconds_or_an_http_date_and_bounded() -> None:
    assert parse_retry_after("2.5", NOW) == 2.5
    assert parse_retry_after((NOW + timedelta(seconds=45)).strftime("%a, %d %b %Y %H:%M:%S GMT"), NOW) == 45.0
    assert parse_retry_after("99999", NOW) == 3600.0
    assert parse_retry_after("-1", NOW) == 0.0
    assert parse_retry_after("inf", NOW) is None
    assert parse_retry_after("later", NOW) is None


def test_backoff_stays_in_its_band_and_under_the_cap() -> None:
    assert [backoff_seconds(n, 1.0, 60.0, 0.0) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert [backoff_seconds(n, 1.0, 60.0, 1.0) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 16.0]
    assert backoff_seconds(7, 1.0, 60.0, 0.9) == 60.0


def test_the_policy_imports_only_the_standard_library() -> None:
    tree = ast.parse((ROOT / "bot" / "delivery" / "policy.py").read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= sys.stdlib_module_names | {"__future__"}, imported


def test_the_policy_runs_where_botbuilder_cannot_be_imported() -> None:
    script = (
        "import sys\n"
        "for name in ('botbuilder', 'botframework', 'msrest', 'aiohttp', 'sqlalchemy'):\n"
        "    sys.modules[name] = None  # any import of them fails\n"
        "from datetime import UTC, datetime\n"
        "from bot.delivery.policy import Failure, Limits, Target, outcome_of\n"
        "target = Target(created=False, conversation_id='c', personal=False, is_update=False, request_made=True,"
        " person_id=None)\n"
        "print(outcome_of(Failure(429, 'Throttled', '3'), 1, target, Limits(4, 1.0, 60.0),"
        " datetime(2026, 1, 1, tzinfo=UTC), lambda: 0.5).kind)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "retry"


def test_only_the_teams_module_knows_botbuilder_and_no_delivery_module_knows_a_use_case() -> None:
    sdk = {"botbuilder", "botframework", "msrest"}
    for path in sorted((ROOT / "bot" / "delivery").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        modules |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not any(m == "bot.services" or m.startswith("bot.services.") for m in modules), path.name
        if path.name != "teams.py":
            assert not {m.split(".")[0] for m in modules} & sdk, path.name
