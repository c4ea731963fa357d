"""The e-mail rules the setup card (recipients) and the sender share: what counts as an address, and when a
failed mail is retried."""

from __future__ import annotations

import pytest

from domain.mail import address_digest, backoff_seconds, is_permanent, normalise_email, valid_email


@pytest.mark.parametrize("address", [
    "kommunledningen@norrby.se", "anna.lindqvist@polisen.se", "first+minutes@sub.example.org",
    "o'brien@kommun.se", "x@a-b.se", "namn@bjärred.se",
])
def test_ordinary_addresses_are_accepted(address: str) -> None:
    assert valid_email(address)


@pytest.mark.parametrize("address", [
    "", "kommunledningen", "@norrby.se", "anna@", "anna@norrby", "anna@@norrby.se", "anna lindqvist@norrby.se",
    " anna@norrby.se", "anna@norrby.se ", "anna@norrby..se", "anna.@norrby.se", ".anna@norrby.se",
    "anna@-norrby.se", "anna@norrby-.se", "anna@192.168.0.1", "anna@norrby.se\n", "Anna <anna@norrby.se>",
    "anna@norrby.se,erik@norrby.se", "anna@nor_rby.se", "a" * 65 + "@norrby.se", "a@" + "b" * 250 + ".se",
    '"anna"@norrby.se',
])
def test_typing_mistakes_and_odd_forms_are_refused(address: str) -> None:
    assert not valid_email(address)


def test_an_address_is_stored_trimmed_with_its_domain_lower_cased() -> None:
    assert normalise_email("  Anna.L@Norrby.SE ") == "Anna.L@norrby.se"


def test_the_digest_names_no_address_but_tells_two_apart() -> None:
    digest = address_digest("anna@norrby.se")
    assert len(digest) == 12 and "anna" not in digest
    assert digest == address_digest("Anna@NORRBY.se")
    assert digest != address_digest("erik@norrby.se")


def test_5xx_replies_are_permanent_4xx_and_no_reply_are_not() -> None:
    assert is_permanent(550) and is_permanent(554)
    assert not is_permanent(421) and not is_permanent(451) and not is_permanent(None)


def test_retries_wait_longer_each_time_up_to_the_cap() -> None:
    waits = [backoff_seconds(n, base=60, maximum=3600) for n in range(1, 6)]
    assert waits == [60, 240, 960, 3600, 3600]


async def test_mail_queued_while_a_round_runs_goes_out_at_once_not_at_the_next_poll() -> None:
    """A wake that arrives during a round is kept: the next round starts at once, not after poll_seconds."""
    import asyncio
    from datetime import UTC, datetime

    from bot.mail.worker import MailPolicy, MailWorker
    from domain.clock import FixedClock

    rounds: list[float] = []
    in_first_round = asyncio.Event()
    release_first = asyncio.Event()

    class Worker(MailWorker):
        async def run_once(self) -> int:
            rounds.append(asyncio.get_running_loop().time())
            if len(rounds) == 1:
                in_first_round.set()
                await release_first.wait()
            return 0

    worker = Worker(uow=None, transport=None, clock=FixedClock(datetime(2026, 12, 2, tzinfo=UTC)),  # type: ignore[arg-type]
                    sender="forumbot@norrby.se", policy=MailPolicy(poll_seconds=30.0))
    await worker.start()
    try:
        await asyncio.wait_for(in_first_round.wait(), 2)
        worker.wake()  # a commit queued mail while the first round was still running
        release_first.set()
        for _ in range(40):
            if len(rounds) >= 2:
                break
            await asyncio.sleep(0.05)
    finally:
        await worker.stop(grace_seconds=2)
    assert len(rounds) >= 2 and rounds[1] - rounds[0] < 2.0


class _SlowTransport:
    timeout = 0.5


@pytest.mark.parametrize("round_seconds, finished", [(0.2, True), (30.0, False)])
async def test_stopping_lets_the_round_in_progress_finish_but_not_forever(round_seconds: float,
                                                                          finished: bool) -> None:
    """A mail being sent gets its outcome recorded before the worker stops (else its lease expires and it is
    mailed twice); a round stuck past the SMTP timeout is cancelled, so shutting down never hangs."""
    import asyncio
    from datetime import UTC, datetime

    from bot.mail.worker import MailWorker
    from domain.clock import FixedClock

    started, completed = asyncio.Event(), asyncio.Event()

    class Worker(MailWorker):
        async def run_once(self) -> int:
            started.set()
            await asyncio.sleep(round_seconds)
            completed.set()
            return 0

    worker = Worker(uow=None, transport=_SlowTransport(), clock=FixedClock(datetime(2026, 12, 2, tzinfo=UTC)),  # type: ignore[arg-type]
                    sender="forumbot@norrby.se")
    await worker.start()
    await asyncio.wait_for(started.wait(), 2)
    loop = asyncio.get_running_loop()
    began = loop.time()
    await asyncio.wait_for(worker.stop(), 10)  # grace: twice the SMTP timeout + 5 s
    assert completed.is_set() is finished
    assert loop.time() - began < 7
