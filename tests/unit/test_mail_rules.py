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
