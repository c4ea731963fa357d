"""The screener: the rules of `domain.screening.rules` run over the normalised text of each field.

Every rule matches the normalised copy (`domain.screening.normalising`) and its findings point back into the text
as typed. A number may be written with a space, ` - `, `/`, `.` or a line break before the last four, in digit
groups (`81 12 28-98 74`) and glued to words or hyphens (`pnr-811228-9874`). Whether a candidate number is a real
identity number is decided by an injected validator, so this module stays free of third-party code and clocks.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable, Iterable, Mapping

from domain.screening.normalising import Normalised, Span, normalise_mapped, visible
from domain.screening.rules import (
    ADDRESS_APARTMENT,
    ADDRESS_POSTCODE,
    ADDRESS_STREET,
    DEFAULT_RULES,
    ID_NUMBER_BARE,
    ID_NUMBER_LONG,
    ID_NUMBER_RULES,
    ID_NUMBER_SEPARATED,
    ID_NUMBER_SPACED,
    LEGAL_MEASURE,
    PERSON_AGE,
    PERSON_NAME_AGE,
    RULE_TIERS,
    VEHICLE_PLATE,
    Finding,
    ScreeningResult,
    ScreeningRules,
)

log = logging.getLogger("domain.screening")

NumberValidator = Callable[[str], bool]
"""Whether a candidate is a valid personnummer or samordningsnummer.

The candidate is ASCII digits in one of the forms `YYMMDD-NNNC`, `YYMMDD+NNNC`, `YYMMDDNNNC`, `YYYYMMDD-NNNC`,
`YYYYMMDD+NNNC` or `YYYYMMDDNNNC`. A validator that raises is treated as answering True (fail closed).
"""

_ID_CANDIDATE = re.compile(
    # The date part, contiguous (`811228`, `19811228`) or in groups (`81 12 28`, `1981-12-28`, `81.12.28`) …
    r"(?:(?<![0-9])(?<![0-9][-+/.])(?P<plain>[0-9]{8}|[0-9]{6})(?P<sep>\s{0,3}[-+/.]\s{0,3}|\s{1,3}|)"
    r"|(?<![0-9])(?<![0-9][-+/. ])(?<!\+)(?P<grouped>(?:[0-9]{4}|[0-9]{2})(?P<g>[-./ ])[0-9]{2}(?P=g)[0-9]{2})"
    r"(?P<gsep>\s{0,3}[-+/.]\s{0,3}|\s{1,3}))"
    # … then the last four, contiguous or as two pairs, not running on into more digits or a date.
    r"(?P<tail>[0-9]{4}(?![0-9])|[0-9]{2} [0-9]{2}(?![0-9])(?! [0-9]))(?![-./][0-9])"
)
_ASCII_DIGIT = re.compile(r"[0-9]")

_NOT_IN_RANGE = r"(?<![0-9][-–])(?<![0-9] [-–] )\b"
_BORN = r"\bfödd\s+(?:år\s+|den\s+)?[-'’]?[0-9]{2}"
_AGE_OF_ONE = re.compile(
    rf"(?i:{_NOT_IN_RANGE}[0-9]{{1,2}}(?:\s?-?\s?årig\b|-?åring(?:en)?\b|\s+år\s+gammal\b)"
    rf"|\bden\s+[0-9]{{1,2}}\s?-?\s?åriga\b|{_BORN}"
    r"|\b(?:en|ett)\s+(?:pojke|flicka|kille|tjej|man|kvinna|ungdom|elev|person|barn)\s?,?\s+[0-9]{1,2}\s+år\b)"
)
_DURATION_BEFORE = r"(?<!\bi )(?<!under )(?<!efter )(?<!senaste )(?<!sedan )(?<!på )(?<!för )"
_PERSON_CONTEXT = re.compile(
    rf"(?i:{_NOT_IN_RANGE}{_DURATION_BEFORE}[0-9]{{1,2}}\s?-?\s?år(?:ig|iga|ing|ingen)?\b(?!\s+sedan\b)"
    rf"|{_BORN}"
    r"|\b(?:åk|årskurs)\.?\s?[0-9]{1,2}\b"
    r"|\bklass\s?[0-9]{1,2}[a-zåäö]?\b)"
)
_APARTMENT = re.compile(r"(?i:\b(?:lgh|lägenhet(?:snummer|snr)?)\.?\s*(?:nr\.?\s*)?[0-9]{4}\b)")
_POSTCODE = re.compile(
    r"(?<![0-9+\-–])(?<![0-9] )\b[1-9][0-9]{2} ?[0-9]{2}\b(?![-–][0-9])(?=[ \t]+[A-ZÅÄÖ][a-zåäö]{2,})"
)
_PLATE = re.compile(r"(?<![\w-])[A-HJ-PR-UW-Z]{3} ?[0-9]{2}[0-9A-HJ-NPR-UW-Z](?![\w-])")
_SENTENCE_BREAK = re.compile(r"[.!?](?=\s|$)|\n")


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted({re.escape(w) for w in words if w}, key=lambda w: (-len(w), w)))


def _term_pattern(term: str) -> str:
    open_end = term.endswith("*")
    words = term.rstrip("*").split()
    body = r"\s+".join(re.escape(w) for w in words)
    return body + (r"\w*" if open_end else "")


_Compiled = tuple[
    re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None
]


def _compile_rules(rules: ScreeningRules) -> _Compiled:
    names = _alternation(rules.first_names)
    terms = "|".join(_term_pattern(t) for t in rules.lvu_terms if t.strip("* "))
    suffixes = _alternation(rules.street_suffixes)
    return (
        re.compile(rf"\b(?:{names})s?\b") if names else None,
        re.compile(rf"\b(?:{names})\s*(?:,\s*|\(\s*)[0-9]{{1,2}}\s*(?:[,)]|år\b)") if names else None,
        re.compile(rf"(?i:(?<!\w)(?:{terms})(?!\w))") if terms else None,
        re.compile(rf"(?<!\w)[A-ZÅÄÖ][a-zåäöéü]*(?:{suffixes})\s+[0-9]{{1,3}}(?: ?[A-Z])?\b(?![.:,][0-9])")
        if suffixes
        else None,
    )


class Screener:
    """Screens free-text fields before anything is stored or sent (docs/security.md)."""

    def __init__(
        self, is_valid_identity_number: NumberValidator, rules: ScreeningRules = DEFAULT_RULES
    ) -> None:
        self._is_valid = is_valid_identity_number
        self._rules = rules
        self._name, self._name_with_age, self._legal, self._street = _compile_rules(rules)

    @property
    def rules(self) -> ScreeningRules:
        return self._rules

    def screen(self, fields: Mapping[str, str]) -> ScreeningResult:
        return ScreeningResult(
            tuple(f for name, text in fields.items() for f in self.screen_text(name, text))
        )

    def screen_text(self, field: str, text: str) -> tuple[Finding, ...]:
        """The findings in one field; their `start`/`end` index `text` as given.

        Every rule but the legal terms needs a digit (identity numbers, ages, classes, postcodes, apartments,
        plates, street numbers; a name counts only next to an age), and normalising has made every decimal
        digit ASCII: a text without one is only searched for legal terms.
        """
        normalised = normalise_mapped(text)
        if _ASCII_DIGIT.search(normalised.text) is None:
            found = self._words(field, normalised, digits=False)
        else:
            found = [*self._identity_numbers(field, text, normalised), *self._words(field, normalised)]
        enabled = [f for f in found if f.rule_id not in self._rules.disabled_rules]
        return tuple(sorted(enabled, key=lambda f: (f.start, f.end, f.rule_id)))

    def _identity_numbers(self, field: str, original: str, normalised: Normalised) -> list[Finding]:
        found: list[Finding] = []
        for match in _ID_CANDIDATE.finditer(normalised.text):
            classified = _classify(match)
            if classified is None:
                continue
            rule_id, candidate = classified
            if not self._validates(candidate):
                continue
            start, end = normalised.original(*match.span())
            tail_start, _ = normalised.original(match.start("tail"), match.end("tail"))
            masked = visible(original[start:tail_start]) + "****"
            found.append(Finding(rule_id, RULE_TIERS[rule_id], field, start, end, masked))
        return found

    def _validates(self, candidate: str) -> bool:
        try:
            return self._is_valid(candidate)
        except Exception as exc:
            log.warning(
                "identity-number validator raised %s; treating the candidate as valid", type(exc).__name__
            )
            return True

    def _words(self, field: str, normalised: Normalised, *, digits: bool = True) -> list[Finding]:
        text = normalised.text
        spans: dict[str, list[Span]] = {rule_id: [] for rule_id in RULE_TIERS}
        patterns: tuple[tuple[str, re.Pattern[str] | None], ...] = ((LEGAL_MEASURE, self._legal),)
        if digits:
            name_ages = self._name_age_spans(text)
            spans[PERSON_NAME_AGE] = name_ages
            spans[PERSON_AGE] = _not_covered((m.span() for m in _AGE_OF_ONE.finditer(text)), name_ages, len(text))
            patterns += (
                (ADDRESS_STREET, self._street),
                (ADDRESS_APARTMENT, _APARTMENT),
                (ADDRESS_POSTCODE, _POSTCODE),
                (VEHICLE_PLATE, _PLATE),
            )
        for rule_id, pattern in patterns:
            if pattern is not None:
                spans[rule_id] = [m.span() for m in pattern.finditer(text)]
        return [
            Finding(rule_id, RULE_TIERS[rule_id], field, *normalised.original(start, end), f"[{rule_id}]")
            for rule_id, found in spans.items()
            for start, end in _merged(found)
        ]

    def _name_age_spans(self, text: str) -> list[Span]:
        if self._name is None or self._name_with_age is None:
            return []
        direct = [m.span() for m in self._name_with_age.finditer(text)]
        contexts = [m.span() for m in _PERSON_CONTEXT.finditer(text)]
        context_ends = [end for _, end in contexts]
        window = self._rules.name_window
        spans = list(direct)
        for name in _not_covered((m.span() for m in self._name.finditer(text)), direct, len(text)):
            i = bisect.bisect_left(context_ends, name[0] - window)
            while i < len(contexts) and contexts[i][0] <= name[1] + window:
                if self._near(text, name, contexts[i]):
                    spans.append((min(name[0], contexts[i][0]), max(name[1], contexts[i][1])))
                    break
                i += 1
        return sorted(spans)

    def _near(self, text: str, a: Span, b: Span) -> bool:
        first, second = (a, b) if a[0] <= b[0] else (b, a)
        if second[0] - first[1] > self._rules.name_window:
            return False
        return _SENTENCE_BREAK.search(text, first[1], max(first[1], second[0])) is None


def _not_covered(candidates: Iterable[Span], cover: Iterable[Span], length: int) -> list[Span]:
    covered = bytearray(length)
    for start, end in cover:
        covered[start:end] = b"\x01" * (end - start)
    return [(start, end) for start, end in candidates if 1 not in covered[start:end]]


def _merged(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _classify(match: re.Match[str]) -> tuple[str, str] | None:
    """(rule id, the candidate in a form `NumberValidator` reads) for a match, or None for an organisation number.

    Twelve digits block in every accepted form but an ISO-style date followed by a space (`1981-12-28 9874`);
    ten digits block when a sign (`-`, `+`, `/`, `.`, with or without spaces) stands before the last four,
    except after a dotted or dashed date with spaces around the sign; the rest asks for confirmation.
    """
    if match.group("plain"):
        date, grouping, separator = match.group("plain"), "", match.group("sep")
    else:
        date, grouping, separator = re.sub(r"[^0-9]", "", match.group("grouped")), match.group("g"), match.group("gsep")
    tail = match.group("tail").replace(" ", "")
    if int(date[-4:-2]) >= 20:
        return None  # a month of 20 or more: an organisation number
    sign = separator.strip()
    spaced = sign != separator
    dated = grouping not in ("", " ")  # 1981-12-28 or 81.12.28
    canonical = "+" if sign == "+" else "-" if sign else ""
    candidate = date + canonical + tail
    if len(date) == 8:
        if dated and (not sign or spaced):
            return ID_NUMBER_SPACED, date + tail
        return ID_NUMBER_LONG, candidate
    if sign and not (dated and spaced):
        return ID_NUMBER_SEPARATED, candidate
    if sign or separator:
        return ID_NUMBER_SPACED, date + tail
    return ID_NUMBER_BARE, candidate



def redact(text: str, findings: Iterable[Finding]) -> str:
    """`text` with every digit of each identity-number finding in it replaced by `*` (findings of `text`)."""
    chars = list(text)
    for finding in findings:
        if finding.rule_id in ID_NUMBER_RULES:
            for i in range(finding.start, min(finding.end, len(chars))):
                if chars[i].isdigit():
                    chars[i] = "*"
    return "".join(chars)
