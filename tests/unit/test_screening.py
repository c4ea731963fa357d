from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

import pytest

from bot.screening import identity_number_validator, long_form, make_screener
from dialogs.texts import load_catalog
from domain.screening import (
    ADDRESS_APARTMENT,
    ADDRESS_POSTCODE,
    ADDRESS_STREET,
    ID_NUMBER_BARE,
    ID_NUMBER_LONG,
    ID_NUMBER_SEPARATED,
    ID_NUMBER_SPACED,
    LEGAL_MEASURE,
    PERSON_AGE,
    PERSON_NAME_AGE,
    RULE_TIERS,
    VEHICLE_PLATE,
    Finding,
    Screener,
    ScreeningResult,
    ScreeningRules,
    Tier,
    normalise,
    redact,
    rule_text_key,
)

TODAY = date(2024, 6, 1)

BLOCK = ("811228-9874", "811228+9874", "19811228-9874", "198112289874", "701063-2391")
WARN = ("0701234569", "2403151232")
PASS = ("556036-0793", "212000-0142", "2024-03-15", "070-123 45 67", "dnr 2024-1234", "811228-9873")
TABLE = [(v, Tier.BLOCK) for v in BLOCK] + [(v, Tier.WARN) for v in WARN] + [(v, Tier.PASS) for v in PASS]
SENTENCES = (
    "{}",
    "Vi noterade {} i underlaget.",
    "Uppgiften ({}) kom in i går.",
    "Rad ett\n{}\nRad två",
)
MASKED = {
    "811228-9874": ("811228-****", ID_NUMBER_SEPARATED),
    "811228+9874": ("811228+****", ID_NUMBER_SEPARATED),
    "19811228-9874": ("19811228-****", ID_NUMBER_LONG),
    "198112289874": ("19811228****", ID_NUMBER_LONG),
    "701063-2391": ("701063-****", ID_NUMBER_SEPARATED),
    "0701234569": ("070123****", ID_NUMBER_BARE),
    "2403151232": ("240315****", ID_NUMBER_BARE),
}


# The forms people actually type (issue 6): every one of them is caught, whatever the typography.
TYPED_BLOCK = (
    "811228 - 9874", "811228 -9874", "811228- 9874", "811228/9874", "811228.9874", "811228 / 9874",
    "811228 + 9874", "701063 - 2391", "000229-1235",
    "19811228 9874", "19811228 - 9874", "19811228\n9874", "19811228-98 74", "19811228/9874", "19701063-2391",
    "1981 12 28-9874", "1981 12 28 9874", "81 12 28-98 74", "81 12 28 - 98 74", "811228-98 74",
    "81-12-28-9874", "1981-12-28-9874", "81.12.28-9874", "811228 -\n9874",
    "pnr-811228-9874", "pnr:811228-9874", "pnr811228-9874", "811228-9874-", "x811228-9874y", "(811228-9874)",
    "811228\u20109874", "811228\u20119874", "811228\u20129874", "811228\u20139874", "811228\u20149874",
    "811228\u20159874", "811228\u22129874", "811228\ufe589874", "811228\ufe639874", "811228\uff0d9874",
    "\uff18\uff11\uff11\uff12\uff12\uff18\uff0d\uff19\uff18\uff17\uff14", "\uff18\uff11\uff11\uff12\uff12\uff18-9874",
    "811228\uff0b9874", "1981\uff11\uff1228-9874", "811228-\u0669\u0668\u0667\u0664",
    "\U0001d7d6\U0001d7cf\U0001d7cf\U0001d7d0\U0001d7d0\U0001d7d6-\U0001d7d7\U0001d7d6\U0001d7d5\U0001d7d2",
    "811228\u00ad-9874", "8112\u00ad28-9874", "811228-98\u200b74", "8\u200c11228-9874", "811228\u2060-\u20609874",
    "\ufeff811228-9874", "\u202a811228-9874\u202c", "8\u033211228-9874", "811228-98\ufe0f74",
    "811228\u00a0-\u00a09874", "811228\u2009-\u20099874", "19811228\u202f9874", "19811228\u30009874",
)
TYPED_WARN = (
    "811228 9874", "8112289874", "811228\n9874", "811228\r\n9874", "81 12 28 98 74", "1981-12-28 9874",
    "811228\u00a09874", "811228\u30009874", "\uff18\uff11\uff11\uff12\uff12\uff18\uff19\uff18\uff17\uff14",
    "1981-12-28 - 9874",
)
TYPED_PASS = (
    # organisation numbers (a month of 20 or more), however they are written
    "556036-0793", "212000-0142", "202100-5489", "802002-4280", "969759-4746", "16556036-0793",
    "556036 - 0793", "556036\u20130793", "556036 0793", "5560360793", "\uff15\uff15\uff16\uff10\uff13\uff16-0793",
    # dates and times
    "2024-03-15", "20240315", "24-03-15", "2024/03/15", "15.03.2024", "15/3 2024", "2024-03-15 - 2024-03-20",
    "2026-12-21 2027-01-06", "2026-12-21 \u2013 2027-01-06", "2024-03-15T14:00", "2024-03-15 kl. 14.00",
    "kl. 08.30\u201310.00", "14:00\u201316:00", "1400-1600",
    # phone numbers
    "070-123 45 67", "+46 70 123 45 67", "08-123 456 78", "0701-23 45 67", "070 123 45 67", "+46701234567",
    "08-12 34 56", "0046 70 123 45 67", "031-12 34 56", "070\u2011123\u00a045\u00a067",
    # postcodes and amounts
    "postnummer 123 45", "1 234 567 kr", "12 345 678 kr", "1.234.567 kr", "1 234 567,50 kr", "811 228 987 kr",
    # diarienummer and other case numbers
    "SN 2026/123", "KS-2026-0042", "dnr 2024-1234", "KS 2026/0042", "SOC 2026.1234", "Dnr 2026-000123",
    "5000-K123456-24",
    # a wrong check digit
    "811228-9873", "19811228-9873", "81 12 28-98 73",
)
TYPED = (
    [(v, Tier.BLOCK) for v in TYPED_BLOCK] + [(v, Tier.WARN) for v in TYPED_WARN]
    + [(v, Tier.PASS) for v in TYPED_PASS]
)


def screener_on(day: date) -> Screener:
    return make_screener(lambda: day)


@pytest.fixture
def screener() -> Screener:
    return screener_on(TODAY)


def tier_of(screener: Screener, text: str) -> Tier:
    return screener.screen({"situation": text}).tier


@pytest.mark.parametrize("template", SENTENCES)
@pytest.mark.parametrize(("value", "expected"), TABLE)
def test_table(screener: Screener, value: str, expected: Tier, template: str) -> None:
    assert tier_of(screener, template.format(value)) is expected


@pytest.mark.parametrize("template", SENTENCES)
@pytest.mark.parametrize(("value", "expected"), TYPED)
def test_typed_forms(screener: Screener, value: str, expected: Tier, template: str) -> None:
    assert tier_of(screener, template.format(value)) is expected


@pytest.mark.parametrize("value", TYPED_BLOCK + TYPED_WARN)
def test_typed_forms_are_located_and_masked_in_the_text_as_typed(screener: Screener, value: str) -> None:
    text = f"Uppgift: {value} (se ovan)."
    (finding,) = screener.screen_text("situation", text)
    start = text.index(value)
    found = text[finding.start : finding.end]
    assert start <= finding.start and finding.end <= start + len(value)  # the number, not what it is glued to
    assert [c for c in found if c.isdigit()] == [c for c in value if c.isdigit()]
    assert finding.masked.endswith("****")
    digits = [c for c in found if c.isdigit()]
    assert "".join(digits[-4:]) not in finding.masked
    redacted = redact(text, [finding])
    assert redacted.startswith("Uppgift: ") and redacted.endswith(" (se ovan).")
    assert not any(c.isdigit() for c in redacted)


@pytest.mark.parametrize("value", sorted(MASKED))
def test_numbers_are_masked_and_named_by_rule(screener: Screener, value: str) -> None:
    text = f"Vi noterade {value} i underlaget."
    (finding,) = screener.screen_text("situation", text)
    masked, rule_id = MASKED[value]
    assert finding.masked == masked
    assert finding.rule_id == rule_id
    assert finding.tier is RULE_TIERS[rule_id]
    assert text[finding.start : finding.end] == value
    assert value[-4:] not in finding.masked
    assert finding.masked.endswith("****")


@pytest.mark.parametrize("value", sorted(MASKED))
def test_repr_and_str_never_show_matched_digits(screener: Screener, value: str) -> None:
    result = screener.screen({"situation": f"Vi noterade {value} i underlaget."})
    digits = value.replace("-", "").replace("+", "")
    shown = [
        repr(result),
        str(result),
        *(repr(f) for f in result.findings),
        *(str(f) for f in result.findings),
    ]
    for text in shown:
        assert value not in text
        assert value[-4:] not in text
        assert digits[:6] not in text


def test_word_findings_are_masked_with_a_label_not_the_words(screener: Screener) -> None:
    findings = screener.screen_text("situation", "Kalle, 15 år, är LVU-placerad och bor på Storgatan 12.")
    assert {f.rule_id for f in findings} == {PERSON_NAME_AGE, LEGAL_MEASURE, ADDRESS_STREET}
    for finding in findings:
        assert finding.masked == f"[{finding.rule_id}]"
        for word in ("Kalle", "LVU", "Storgatan"):
            assert word not in finding.masked
            assert word not in repr(finding)


@pytest.mark.parametrize(
    ("text", "rule_ids"),
    [
        ("Kalle, 15 år, har synts vid centrum.", {PERSON_NAME_AGE}),
        ("Kalle är 15 år och har slutat komma till skolan.", {PERSON_NAME_AGE}),
        ("Oscar i åk 8 har hotat andra elever.", {PERSON_NAME_AGE}),
        ("Wilma i klass 8B har varit borta länge.", {PERSON_NAME_AGE}),
        ("Maja (14) rymde i helgen.", {PERSON_NAME_AGE}),
        ("Alis lillebror är född 2011.", {PERSON_NAME_AGE}),
        ("En 15-årig pojke greps i går.", {PERSON_AGE}),
        ("En pojke, 15 år, greps i går.", {PERSON_AGE}),
        ("Den 16-åriga flickan har hittats.", {PERSON_AGE}),
        ("En 13-åring har setts i centrum sent på kvällarna.", {PERSON_AGE}),
        ("Han är född 2011 och går på högstadiet.", {PERSON_AGE}),
        ("Oro kring Storgatan 12 under helgen.", {ADDRESS_STREET}),
        ("Klotter på Björkvägen 4B.", {ADDRESS_STREET}),
        ("Störningar i lgh 1102.", {ADDRESS_APARTMENT}),
        ("Storgatan 12, 123 45 Malmö", {ADDRESS_STREET, ADDRESS_POSTCODE}),
        ("Flickan är LVU-placerad sedan i våras.", {LEGAL_MEASURE}),
        ("Pojken är placerad på HVB sedan mars.", {LEGAL_MEASURE}),
        ("En orosanmälan har gjorts om syskonen.", {LEGAL_MEASURE}),
        ("Familjen har skyddad identitet.", {LEGAL_MEASURE}),
        ("Han har en kontaktperson genom socialtjänsten.", {LEGAL_MEASURE}),
        ("Barnet omhändertogs i natt.", {LEGAL_MEASURE}),
        ("En vit bil ABC 123 har setts vid skolan.", {VEHICLE_PLATE}),
        ("Numret 811228 9874 stod på lappen.", {ID_NUMBER_SPACED}),
    ],
)
def test_weaker_signals_warn(screener: Screener, text: str, rule_ids: set[str]) -> None:
    result = screener.screen({"situation": text})
    assert result.tier is Tier.WARN
    assert result.needs_confirmation
    assert not result.blocked
    assert set(result.rule_ids) == rule_ids


@pytest.mark.parametrize(
    "text",
    [
        "en grupp 14–16-åringar",
        "Lägesbilden gäller en grupp 14–16-åringar som samlas vid centrum.",
        "Oro bland 15-åringar i centrum på fredagskvällar.",
        "Ökad oro bland elever i åk 8 på Björkskolan.",
        "15-åriga pojkar har setts kring skolan.",
        "Kontakta Anna på fältgruppen, 070-123 45 67.",
        "Anna har varit fältassistent i 10 år.",
        "Lugnt kring Storgatan under helgen.",
        "Vi har haft samma rutin i 3 år.",
        "Ärendet har dnr 2024-1234 hos oss.",
        "Mötet hölls 2024-03-15 i stadshuset.",
        "Stockholms stad (212000-0142) och Volvo (556036-0793) deltar.",
        "Antalet orosanmälningar har ökat under hösten.",
        "Samtal med kontaktpersonen för forumet i veckan.",
        "Polisen ringde 070-1234567 och 08-123 45 67.",
    ],
)
def test_group_level_text_passes(screener: Screener, text: str) -> None:
    assert screener.screen({"situation": text}).findings == ()


@pytest.mark.parametrize(
    ("today", "candidate", "expected"),
    [
        (date(2024, 12, 27), "241228-1236", "192412281236"),
        (date(2024, 12, 27), "241228+1236", "182412281236"),
        (date(2024, 12, 28), "241228-1236", "202412281236"),
        (date(2024, 12, 28), "241228+1236", "192412281236"),
        (date(2070, 10, 2), "701063-2391", "197010632391"),
        (date(2070, 10, 3), "701063-2391", "207010632391"),
        (date(2070, 10, 3), "701063+2391", "197010632391"),
        (date(2024, 6, 1), "19811228+9874", "198112289874"),
        (date(2024, 6, 1), "0701234569", "200701234569"),
        (date(2024, 6, 1), "not a number", None),
    ],
)
def test_century_follows_the_100th_birthday(today: date, candidate: str, expected: str | None) -> None:
    assert long_form(candidate, today) == expected


@pytest.mark.parametrize(
    ("today", "plus_blocks"),
    [(date(2100, 2, 28), False), (date(2100, 3, 1), True)],
)
def test_plus_separator_around_a_100th_birthday_on_29_february(today: date, plus_blocks: bool) -> None:
    screener = screener_on(today)
    assert tier_of(screener, "000229-1235") is (Tier.PASS if plus_blocks else Tier.BLOCK)
    assert tier_of(screener, "000229+1235") is (Tier.BLOCK if plus_blocks else Tier.PASS)
    assert tier_of(screener, "20000229-1235") is Tier.BLOCK


def test_validator_reads_the_injected_clock_on_each_call() -> None:
    days = iter([date(2100, 2, 28), date(2100, 3, 1)])
    is_valid = identity_number_validator(lambda: next(days))
    assert is_valid("000229-1235")
    assert not is_valid("000229-1235")


def test_fields_are_reported_by_name(screener: Screener) -> None:
    result = screener.screen(
        {
            "situation": "Vi noterade 811228-9874 i underlaget.",
            "places": "Oro kring Storgatan 12.",
            "other": "Lugnt i övrigt.",
        }
    )
    assert result.blocked
    assert not result.needs_confirmation
    assert result.fields == ("situation", "places")
    assert result.rule_ids == (ID_NUMBER_SEPARATED, ADDRESS_STREET)
    assert [(f.field, f.tier) for f in result.findings] == [("situation", Tier.BLOCK), ("places", Tier.WARN)]
    assert result.with_tier(Tier.BLOCK)[0].masked == "811228-****"


def test_overlapping_hits_of_one_rule_are_one_finding(screener: Screener) -> None:
    findings = screener.screen_text("situation", "Kalle och Maja, båda 15 år, har setts i centrum.")
    assert [f.rule_id for f in findings] == [PERSON_NAME_AGE]


def test_empty_result_passes() -> None:
    result = ScreeningResult()
    assert result.tier is Tier.PASS
    assert not result.blocked
    assert not result.needs_confirmation
    assert result.rule_ids == ()


def test_rule_ids_and_tiers_are_stable() -> None:
    assert dict(RULE_TIERS) == {
        "id_number.separated": Tier.BLOCK,
        "id_number.long": Tier.BLOCK,
        "id_number.spaced": Tier.WARN,
        "id_number.bare": Tier.WARN,
        "person.age": Tier.WARN,
        "person.name_age": Tier.WARN,
        "address.street": Tier.WARN,
        "address.apartment": Tier.WARN,
        "address.postcode": Tier.WARN,
        "legal.measure": Tier.WARN,
        "vehicle.plate": Tier.WARN,
    }
    assert [t.value for t in Tier] == ["block", "warn", "pass"]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_rule_has_a_label(language: str) -> None:
    catalog = load_catalog(language)
    for rule_id in RULE_TIERS:
        assert isinstance(catalog[rule_text_key(rule_id)], str)
    for key in ("blocked", "warn_intro", "warn_item", "send_anyway", "edit"):
        assert f"screening.{key}" in catalog


def test_finding_text_key() -> None:
    finding = Finding(PERSON_NAME_AGE, Tier.WARN, "situation", 0, 5, "[person.name_age]")
    assert finding.text_key == "screening.rule.person_name_age"


def recording_validator(calls: list[str], answer: bool = True) -> Callable[[str], bool]:
    def is_valid(candidate: str) -> bool:
        calls.append(candidate)
        return answer

    return is_valid


def test_validator_gets_canonical_candidates_and_never_organisation_numbers() -> None:
    calls: list[str] = []
    screener = Screener(recording_validator(calls))
    screener.screen_text("situation", "811228–9874, 811228+9874, 811228 9874, 556036-0793, 16556036-0793")
    assert calls == ["811228-9874", "811228+9874", "8112289874"]


def test_a_failing_validator_blocks_without_logging_the_value(caplog: pytest.LogCaptureFixture) -> None:
    def broken(candidate: str) -> bool:
        raise RuntimeError(f"cannot parse {candidate}")

    caplog.set_level(logging.DEBUG)
    result = Screener(broken).screen({"situation": "Vi noterade 811228-9874 i underlaget."})
    assert result.blocked
    assert "9874" not in caplog.text
    assert "811228" not in caplog.text


def test_rules_are_configurable() -> None:
    custom = ScreeningRules(
        first_names=("Zlatan",),
        lvu_terms=("tvångsvård*",),
        street_suffixes=("stråket",),
        disabled_rules=frozenset({VEHICLE_PLATE}),
    )
    screener = Screener(identity_number_validator(lambda: TODAY), custom)
    assert screener.screen_text("s", "Zlatan, 15 år, syntes i centrum.")[0].rule_id == PERSON_NAME_AGE
    assert screener.screen_text("s", "Kalle, 15 år, syntes i centrum.") == ()
    assert screener.screen_text("s", "Han tvångsvårdas sedan i fjol.")[0].rule_id == LEGAL_MEASURE
    assert screener.screen_text("s", "Pojken är LVU-placerad.") == ()
    assert screener.screen_text("s", "Klotter vid Ekstråket 3.")[0].rule_id == ADDRESS_STREET
    assert screener.screen_text("s", "En vit bil ABC 123.") == ()
    assert screener.screen_text("s", "Vi noterade 811228-9874.")[0].rule_id == ID_NUMBER_SEPARATED


def test_empty_rule_lists_match_nothing() -> None:
    empty = ScreeningRules(first_names=(), lvu_terms=(), street_suffixes=())
    screener = Screener(identity_number_validator(lambda: TODAY), empty)
    assert screener.screen_text("s", "Kalle är LVU-placerad och bor på Storgatan 12.") == ()


@pytest.mark.parametrize("disabled", [ID_NUMBER_SEPARATED, ID_NUMBER_LONG, "no.such_rule"])
def test_block_rules_and_unknown_rules_cannot_be_disabled(disabled: str) -> None:
    with pytest.raises(ValueError):
        ScreeningRules(disabled_rules=frozenset({disabled}))


def test_decomposed_unicode_is_screened(screener: Screener) -> None:
    assert screener.screen_text("s", "Barnet är omha\u0308ndertaget.")[0].rule_id == LEGAL_MEASURE


def test_dash_variants_block(screener: Screener) -> None:
    for dash in "\u2010\u2011\u2013\u2212":
        (finding,) = screener.screen_text("s", f"Vi noterade 811228{dash}9874.")
        assert finding.tier is Tier.BLOCK
        assert finding.masked == f"811228{dash}****"


def test_normalise_folds_typography() -> None:
    assert normalise("８１１２２８\u2212９８\u00ad７４") == "811228-9874"
    assert normalise("a\u200bb\u2060c\ufeff") == "abc"
    assert normalise("omha\u0308ndertaget") == "omhändertaget"
    assert normalise("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d") == "-" * 10
    assert normalise("Åsa på ön") == "Åsa på ön"


def test_findings_index_the_text_as_typed(screener: Screener) -> None:
    text = "Fältgruppen: ８１１２２８－９８７４ och barnet är omha\u0308ndertaget."
    number, measure = screener.screen_text("situation", text)
    assert text[number.start : number.end] == "８１１２２８－９８７４"
    assert number.masked == "８１１２２８－****"
    assert text[measure.start : measure.end] == "omha\u0308ndertaget"


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        ("811228\u00ad-9874", "811228-****"),
        ("811228 -\n9874", "811228 - ****"),
        ("81 12 28-98 74", "81 12 28-****"),
        ("8\u200b11228-9874", "811228-****"),
    ],
)
def test_masked_shows_the_date_part_as_typed_without_invisible_characters(
    screener: Screener, typed: str, masked: str
) -> None:
    (finding,) = screener.screen_text("situation", f"Se {typed}.")
    assert finding.masked == masked


def test_validator_gets_canonical_candidates_for_typed_forms() -> None:
    calls: list[str] = []
    screener = Screener(recording_validator(calls))
    screener.screen_text("s", "811228 / 9874; 81 12 28-98 74; 811228 + 9874; 19811228\n9874; 1981-12-28 9874")
    assert calls == ["811228-9874", "811228-9874", "811228+9874", "198112289874", "198112289874"]


def test_redact_masks_only_the_numbers(screener: Screener) -> None:
    text = "Polisen ８１１２２８－９８７４, Storgatan 12"
    findings = screener.screen_text("org", text)
    assert redact(text, findings) == "Polisen ******－****, Storgatan 12"


def test_a_long_text_is_screened_quickly(screener: Screener) -> None:
    import time

    paragraph = "Oro kring centrum, 070-123 45 67, KS-2026-0042 – en grupp 14–16-åringar 811228 1234 56 78. "
    text = (paragraph * 50)[:4000]
    started = time.perf_counter()
    for _ in range(10):
        screener.screen_text("situation", text)
    assert time.perf_counter() - started < 2.0  # about 0.1 s on a laptop; a quadratic scan takes far longer


def test_screen_fields_refuses_every_number_form_and_keeps_the_rest_of_the_text(screener: Screener) -> None:
    from bot.services.screening import masked_values, screen_fields

    problems = screen_fields(
        screener,
        {
            "name": "Trygghetsforum Norrby",
            "org_a": "Bostadsbolaget AB 556036-0793",
            "org_b": "Familjen 811228 9874",  # a weaker number form is refused too in a name
            "section": "Kalle, 15 år, på Storgatan 12",  # word rules ask in a lägesbild, not here
            "breaks": "2026-12-21 2027-01-06\n19811228-9874",
        },
    )
    assert [(p.field, p.rule_ids) for p in problems] == [("org_b", (ID_NUMBER_SPACED,)), ("breaks", (ID_NUMBER_LONG,))]
    masked = masked_values(problems)
    assert masked == {"org_b": "Familjen ****** ****", "breaks": "2026-12-21 2027-01-06\n********-****"}
    assert "9874" not in repr(problems)


def test_a_text_without_digits_is_still_searched_for_legal_terms_and_with_one_digit_for_everything() -> None:
    """The no-digit fast path skips only rules that need a digit; one digit brings every rule back."""
    from bot.screening import make_screener

    screener = make_screener()
    words = screener.screen_text("s", "Familjen har fått ett LVU-beslut och flyttar snart.")
    assert [f.rule_id for f in words] == [LEGAL_MEASURE]
    with_age = screener.screen_text("s", "Anna, 14 år, syns ofta vid torget efter skolan.")
    assert PERSON_NAME_AGE in [f.rule_id for f in with_age]
    spelled = screener.screen_text("s", "Åtta unga samlades vid torget; läget är lugnare nu än förra veckan.")
    assert spelled == ()
