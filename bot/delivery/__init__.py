"""The one delivery path for proactive messages: claim outbox rows, send them to Teams, record what happened.

At-least-once with our own de-duplication: a row is claimed with a lease and committed before the call; the
outcome is recorded afterwards (see ``worker``). The package, by concern:

* ``policy``: what a failure means and when to try again; plain functions, no botbuilder;
* ``teams``: the calls to Teams (continue, create, update) and the SDK settings; the only botbuilder part;
* ``routing``: where a row goes, from the stored conversations;
* ``sending``: one row from route to outcome (limits, allow-list, the call, the policy);
* ``throttle``: the pauses after 429s, per conversation and for everything;
* ``recording``: the outcome written in one transaction, with the ``on_undeliverable`` hook;
* ``worker``: the loop, claims, leases, lanes and releases.

Use cases reach the worker only through ``DeliveryHooks`` (wired in ``bot.app.create_app``) and the unit of
work's after-commit callback (``DeliveryWorker.wake``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.delivery.policy import Failure, Outcome, backoff_seconds, outcome_of, parse_retry_after
    from bot.delivery.sending import DeliveryHooks
    from bot.delivery.teams import classify, disable_sdk_retries
    from bot.delivery.worker import DeliveryWorker

# Imported when first named, so `bot.delivery.policy` can be imported (and tested) without botbuilder.
_WHERE = {
    "Failure": "policy",
    "Outcome": "policy",
    "backoff_seconds": "policy",
    "outcome_of": "policy",
    "parse_retry_after": "policy",
    "DeliveryHooks": "sending",
    "classify": "teams",
    "disable_sdk_retries": "teams",
    "DeliveryWorker": "worker",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "DeliveryHooks",
    "DeliveryWorker",
    "Failure",
    "Outcome",
    "backoff_seconds",
    "classify",
    "disable_sdk_retries",
    "outcome_of",
    "parse_retry_after",
]
