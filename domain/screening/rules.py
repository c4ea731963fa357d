"""The screening rules table: each rule's id and tier, what a rule finds, and the municipality-editable lists.

A personnummer or samordningsnummer written with a separator or in 12-digit form blocks; weaker signs that a text
points out an individual need the author's confirmation (see docs/security.md, "Personal data in free text").
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


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

ID_NUMBER_RULES = frozenset({ID_NUMBER_SEPARATED, ID_NUMBER_LONG, ID_NUMBER_SPACED, ID_NUMBER_BARE})
