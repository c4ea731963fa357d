"""Personal-data guard for free text (security-and-reliability.md §1).

A personnummer or samordningsnummer written with a separator or in 12-digit form blocks; weaker signs
that a text points out an individual (a bare 10-digit number that validates, a name near an age, a
street address, words about social-services measures) need the author's confirmation; organisation
numbers, dates, phone numbers and diarienummer pass. Whether a candidate number is a real identity
number is decided by an injected validator, so this module stays free of third-party code and clocks.

Every rule matches a normalised copy of the text (NFKC, no soft hyphens or zero-width and other format
characters, every dash and minus as `-`, every decimal digit as ASCII), so typography cannot hide a number;
findings point back into the text as typed. A number may be written with a space, ` - `, `/`, `.` or a line
break before the last four, in digit groups (`81 12 28-98 74`) and glued to words or hyphens (`pnr-811228-9874`).

Matched text never leaves this module except as `Finding.masked`, which hides the last four digits of
numbers and is a generic label for every other rule. Findings and results leave `masked` out of repr.
"""

from __future__ import annotations

import bisect
import dataclasses
import enum
import functools
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

log = logging.getLogger(__name__)

NumberValidator = Callable[[str], bool]
"""Whether a candidate is a valid personnummer or samordningsnummer.

The candidate is ASCII digits in one of the forms `YYMMDD-NNNC`, `YYMMDD+NNNC`, `YYMMDDNNNC`, `YYYYMMDD-NNNC`,
`YYYYMMDD+NNNC` or `YYYYMMDDNNNC`. A validator that raises is treated as answering True (fail closed).
"""


class Tier(enum.StrEnum):
    BLOCK = "block"
    WARN = "warn"
    PASS = "pass"


_RANK: Mapping[Tier, int] = MappingProxyType({Tier.PASS: 0, Tier.WARN: 1, Tier.BLOCK: 2})

ID_NUMBER_SEPARATED = "id_number.separated"
ID_NUMBER_LONG = "id_number.long"
ID_NUMBER_SPACED = "id_number.spaced"
ID_NUMBER_BARE = "id_number.bare"
PERSON_AGE = "person.age"
PERSON_NAME_AGE = "person.name_age"
ADDRESS_STREET = "address.street"
ADDRESS_APARTMENT = "address.apartment"
ADDRESS_POSTCODE = "address.postcode"
LEGAL_MEASURE = "legal.measure"
VEHICLE_PLATE = "vehicle.plate"

RULE_TIERS: Mapping[str, Tier] = MappingProxyType(
    {
        ID_NUMBER_SEPARATED: Tier.BLOCK,
        ID_NUMBER_LONG: Tier.BLOCK,
        ID_NUMBER_SPACED: Tier.WARN,
        ID_NUMBER_BARE: Tier.WARN,
        PERSON_AGE: Tier.WARN,
        PERSON_NAME_AGE: Tier.WARN,
        ADDRESS_STREET: Tier.WARN,
        ADDRESS_APARTMENT: Tier.WARN,
        ADDRESS_POSTCODE: Tier.WARN,
        LEGAL_MEASURE: Tier.WARN,
        VEHICLE_PLATE: Tier.WARN,
    }
)


def rule_text_key(rule_id: str) -> str:
    """The text-catalog key of a rule's human label, e.g. `screening.rule.person_name_age`."""
    return "screening.rule." + rule_id.replace(".", "_")


@dataclass(frozen=True)
class Finding:
    """One sign of personal data in one field.

    `start`/`end` index the text as given to `Screener.screen_text`. `masked` may be shown to the author of the
    text (never in a channel, never in logs): numbers keep their date part and separator with the last four
    digits as `****`; other rules give `[rule_id]`, never the matched words.
    """

    rule_id: str
    tier: Tier
    field: str
    start: int
    end: int
    masked: str = dataclasses.field(repr=False)

    @property
    def text_key(self) -> str:
        return rule_text_key(self.rule_id)


@dataclass(frozen=True)
class ScreeningResult:
    findings: tuple[Finding, ...] = ()

    @property
    def tier(self) -> Tier:
        return max((f.tier for f in self.findings), key=_RANK.__getitem__, default=Tier.PASS)

    @property
    def blocked(self) -> bool:
        return self.tier is Tier.BLOCK

    @property
    def needs_confirmation(self) -> bool:
        """True only when nothing blocks: a blocked text cannot be confirmed."""
        return self.tier is Tier.WARN

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.rule_id for f in self.findings))

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.field for f in self.findings))

    def with_tier(self, tier: Tier) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.tier is tier)


DEFAULT_FIRST_NAMES: tuple[str, ...] = (
    # Common among children, young people and their parents in Sweden; municipalities extend the list.
    "Adam", "Adrian", "Albin", "Alexander", "Alfred", "Ali", "Alva", "Alice", "Alicia", "Alma", "Amanda",
    "Amina", "Amir", "Anna", "Anton", "Arvid", "Astrid", "Axel", "Ahmed", "Ahmad", "Aisha", "Ayan",
    "Benjamin", "Caroline", "Casper", "Charlie", "Clara", "Daniel", "David", "Dennis", "Ebba", "Edvin",
    "Elias", "Elin", "Ella", "Ellen", "Elliot", "Elsa", "Elton", "Elvira", "Emil", "Emilia", "Emma", "Erik",
    "Ester", "Fatima", "Felicia", "Felix", "Filip", "Filippa", "Frank", "Freja", "Gabriel", "Gustav",
    "Hampus", "Hanna", "Harry", "Hassan", "Hedda", "Hugo", "Ibrahim", "Ida", "Ines", "Isabella", "Isabelle",
    "Isak", "Jack", "Jakob", "Jacob", "Jasmine", "Joel", "Johan", "Johanna", "Jonathan", "Jonas", "Josefin",
    "Julia", "Julian", "Kalle", "Karl", "Kevin", "Klara", "Lars", "Leah", "Leia", "Leo", "Leon", "Liam",
    "Lilly", "Linnea", "Linus", "Lisa", "Loke", "Lova", "Love", "Lucas", "Ludvig", "Lukas", "Maja",
    "Majken", "Malin", "Malte", "Maria", "Maryam", "Matilda", "Mattias", "Melvin", "Milo", "Mio", "Moa",
    "Mohamed", "Mohammad", "Mohammed", "Molly", "Muhammad", "Mustafa", "Nathalie", "Nellie", "Nicole",
    "Nils", "Noah", "Noel", "Nora", "Nova", "Olivia", "Oliver", "Olle", "Omar", "Oscar", "Oskar", "Otto",
    "Rasmus", "Robin", "Ronja", "Sam", "Samuel", "Saga", "Sara", "Sebastian", "Selma", "Signe", "Simon",
    "Sixten", "Sofia", "Sofie", "Stella", "Theo", "Tilda", "Tindra", "Tuva", "Valter", "Viggo", "Viktor",
    "Vilgot", "Vincent", "Wilma", "William", "Yasmin", "Yusuf", "Zahra",
)  # fmt: skip

DEFAULT_LVU_TERMS: tuple[str, ...] = (
    "LVU", "LVM", "LSU", "sluten ungdomsvård",
    "omhändertagen", "omhändertaget", "omhändertogs", "omhändertagits", "omhändertas", "omhändertagande",
    "placerad på HVB", "placerad på ett HVB", "placerats på HVB", "placerats på ett HVB", "HVB-placer*",
    "placerad på SiS", "placerad på ett SiS", "placerats på SiS", "placerats på ett SiS", "SiS-placer*",
    "placerad i familjehem", "placerats i familjehem", "familjehemsplacer*",
    "orosanmälan", "orosanmäld", "orosanmält", "orosanmälts",
    "utredning enligt 11 kap", "utreds enligt 11 kap",
    "skyddad identitet", "skyddade personuppgifter", "sekretessmarker*", "kvarskriv*",
    "fingerade personuppgifter",
    "har kontaktperson", "har en kontaktperson", "fått kontaktperson", "fått en kontaktperson",
    "får kontaktperson", "får en kontaktperson", "beviljats kontaktperson", "beviljats en kontaktperson",
    "insatsen kontaktperson", "kontaktperson enligt SoL",
)  # fmt: skip

DEFAULT_STREET_SUFFIXES: tuple[str, ...] = (
    "gatan", "gata", "vägen", "väg", "gränd", "gränden", "torget", "torg", "stigen", "allén", "allé",
    "backen", "leden", "platsen", "stråket",
)  # fmt: skip


@dataclass(frozen=True)
class ScreeningRules:
    """Municipality-editable rule lists.

    `first_names` match case-sensitively as whole words, with an optional genitive s. `lvu_terms` are
    phrases matched case-insensitively as whole words; a space matches any run of whitespace and a
    trailing `*` matches the rest of the word. `street_suffixes` end a capitalised street name that is
    followed by a house number. `name_window` is the largest distance in characters between a name and
    an age, grade or class in the same sentence. `disabled_rules` switches warn-tier rules off;
    block-tier rules cannot be disabled.
    """

    first_names: tuple[str, ...] = DEFAULT_FIRST_NAMES
    lvu_terms: tuple[str, ...] = DEFAULT_LVU_TERMS
    street_suffixes: tuple[str, ...] = DEFAULT_STREET_SUFFIXES
    name_window: int = 60
    disabled_rules: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = self.disabled_rules - RULE_TIERS.keys()
        if unknown:
            raise ValueError(f"unknown screening rules: {sorted(unknown)}")
        blocking = sorted(r for r in self.disabled_rules if RULE_TIERS[r] is Tier.BLOCK)
        if blocking:
            raise ValueError(f"block-tier screening rules cannot be disabled: {blocking}")
        if self.name_window < 0:
            raise ValueError("name_window must not be negative")


DEFAULT_RULES = ScreeningRules()

_Span = tuple[int, int]

_ID_CANDIDATE = re.compile(
    # The date part, contiguous (`811228`, `19811228`) or in groups (`81 12 28`, `1981-12-28`, `81.12.28`) …
    r"(?:(?<![0-9])(?<![0-9][-+/.])(?P<plain>[0-9]{8}|[0-9]{6})(?P<sep>\s{0,3}[-+/.]\s{0,3}|\s{1,3}|)"
    r"|(?<![0-9])(?<![0-9][-+/. ])(?<!\+)(?P<grouped>(?:[0-9]{4}|[0-9]{2})(?P<g>[-./ ])[0-9]{2}(?P=g)[0-9]{2})"
    r"(?P<gsep>\s{0,3}[-+/.]\s{0,3}|\s{1,3}))"
    # … then the last four, contiguous or as two pairs, not running on into more digits or a date.
    r"(?P<tail>[0-9]{4}(?![0-9])|[0-9]{2} [0-9]{2}(?![0-9])(?! [0-9]))(?![-./][0-9])"
)
_MINUS_SIGNS = frozenset("\u02d7\u2043\u207b\u208b\u2212\u2796\ufe63\uff0d")
_LINE_BREAKS = frozenset("\x85\u2028\u2029")
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_ASCII_DIGIT = re.compile(r"[0-9]")
_WHITESPACE_RUN = re.compile(r"\s+")


def _invisible(ch: str) -> bool:
    """Soft hyphen, zero-width and other format characters, variation selectors, invisible fillers."""
    code = ord(ch)
    return (
        unicodedata.category(ch) == "Cf"
        or ch in _INVISIBLE
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
    )


@dataclass(frozen=True)
class _Normalised:
    """The text as matched, with where each of its characters came from in the text as typed.

    `starts[i]`/`ends[i]` are the original span of character i; None means the two texts are the same.
    """

    text: str
    starts: list[int] | None = None
    ends: list[int] | None = None

    def original(self, start: int, end: int) -> _Span:
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            at = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return at, at
        return self.starts[start], self.ends[end - 1]


def _normalise(text: str) -> _Normalised:
    """NFKC, without invisible characters, every dash and minus as `-`, every decimal digit as ASCII.

    Only runs of non-ASCII characters (with the ASCII letter a combining mark belongs to) need any work, so a
    mostly-ASCII text costs little more than a copy.
    """
    if text.isascii() or all(_unchanged(ch) for ch in set(text) if not ch.isascii()):
        # Every character is left as it is whatever stands around it (e.g. only å, ä, ö): nothing to map.
        return _Normalised(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    for found in _NON_ASCII.finditer(text):
        first, last = found.span()
        if first > done and unicodedata.combining(text[first]):
            first -= 1  # the mark composes with the ASCII character before it
        if first > done:
            out.append(text[done:first])
            starts.extend(range(done, first))
            ends.extend(range(done + 1, first + 1))
        run = text[first:last]
        if unicodedata.is_normalized("NFKC", run) and all(map(_unchanged, run)):
            out.append(run)  # e.g. å, ä, ö: the common case, kept as it is
            starts.extend(range(first, last))
            ends.extend(range(first + 1, last + 1))
        else:
            _normalise_run(text, first, last, out, starts, ends)
        done = last
    if done < len(text):
        out.append(text[done:])
        starts.extend(range(done, len(text)))
        ends.extend(range(done + 1, len(text) + 1))
    return _Normalised("".join(out), starts, ends)


def _normalise_run(text: str, first: int, last: int, out: list[str], starts: list[int], ends: list[int]) -> None:
    i = first
    while i < last:
        if _invisible(text[i]):
            i += 1
            continue
        j = i + 1
        while j < last and (unicodedata.combining(text[j]) or _invisible(text[j])):
            j += 1
        cluster = "".join(c for c in text[i:j] if not _invisible(c))
        pieces = [_plain_char(c) for c in unicodedata.normalize("NFKC", cluster)]
        if pieces and (pieces[0] in "-+" or "0" <= pieces[0] <= "9"):
            pieces = [c for c in pieces if not unicodedata.combining(c)]  # marks drawn over digits and dashes
        out.extend(pieces)
        starts.extend([i] * len(pieces))
        ends.extend([j] * len(pieces))
        i = j


@functools.cache
def _unchanged(ch: str) -> bool:
    """Whether normalising leaves this character as it is, whatever stands around it."""
    return (
        unicodedata.normalize("NFKC", ch) == ch
        and _plain_char(ch) == ch
        and not _invisible(ch)
        and not unicodedata.combining(ch)
        and unicodedata.category(ch) not in ("Mn", "Mc", "Me", "Nd")
        and not 0x1100 <= ord(ch) <= 0x11FF  # conjoining jamo compose with their neighbours
    )


def _plain_char(ch: str) -> str:
    if ch.isascii():
        return ch
    if ch in _MINUS_SIGNS or unicodedata.category(ch) == "Pd":
        return "-"
    if ch in _LINE_BREAKS:
        return "\n"
    if ch.isdecimal():
        return str(unicodedata.decimal(ch))
    return ch


def normalise(text: str) -> str:
    """The text the rules match against (see `_normalise`)."""
    return _normalise(text).text


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
    """Screens free-text fields before anything is stored or sent (R1.1)."""

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
        normalised = _normalise(text)
        if _ASCII_DIGIT.search(normalised.text) is None:
            found = self._words(field, normalised, digits=False)
        else:
            found = [*self._identity_numbers(field, text, normalised), *self._words(field, normalised)]
        enabled = [f for f in found if f.rule_id not in self._rules.disabled_rules]
        return tuple(sorted(enabled, key=lambda f: (f.start, f.end, f.rule_id)))

    def _identity_numbers(self, field: str, original: str, normalised: _Normalised) -> list[Finding]:
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
            masked = _visible(original[start:tail_start]) + "****"
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

    def _words(self, field: str, normalised: _Normalised, *, digits: bool = True) -> list[Finding]:
        text = normalised.text
        spans: dict[str, list[_Span]] = {rule_id: [] for rule_id in RULE_TIERS}
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

    def _name_age_spans(self, text: str) -> list[_Span]:
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

    def _near(self, text: str, a: _Span, b: _Span) -> bool:
        first, second = (a, b) if a[0] <= b[0] else (b, a)
        if second[0] - first[1] > self._rules.name_window:
            return False
        return _SENTENCE_BREAK.search(text, first[1], max(first[1], second[0])) is None


def _not_covered(candidates: Iterable[_Span], cover: Iterable[_Span], length: int) -> list[_Span]:
    covered = bytearray(length)
    for start, end in cover:
        covered[start:end] = b"\x01" * (end - start)
    return [(start, end) for start, end in candidates if 1 not in covered[start:end]]


def _merged(spans: Iterable[_Span]) -> list[_Span]:
    merged: list[_Span] = []
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


def _visible(text: str) -> str:
    """What the author typed, without invisible characters, with each run of whitespace as one space."""
    kept = "".join(c for c in text if not _invisible(c) and not unicodedata.combining(c))
    return _WHITESPACE_RUN.sub(" ", kept)


ID_NUMBER_RULES = frozenset({ID_NUMBER_SEPARATED, ID_NUMBER_LONG, ID_NUMBER_SPACED, ID_NUMBER_BARE})


def redact(text: str, findings: Iterable[Finding]) -> str:
    """`text` with every digit of each identity-number finding in it replaced by `*` (findings of `text`)."""
    chars = list(text)
    for finding in findings:
        if finding.rule_id in ID_NUMBER_RULES:
            for i in range(finding.start, min(finding.end, len(chars))):
                if chars[i].isdigit():
                    chars[i] = "*"
    return "".join(chars)
