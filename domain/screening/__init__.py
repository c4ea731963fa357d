"""Personal-data guard for free text (docs/security.md, "Personal data in free text").

A personnummer or samordningsnummer written with a separator or in 12-digit form blocks; weaker signs
that a text points out an individual (a bare 10-digit number that validates, a name near an age, a
street address, words about social-services measures) need the author's confirmation; organisation
numbers, dates, phone numbers and diarienummer pass. Whether a candidate number is a real identity
number is decided by an injected validator, so this package stays free of third-party code and clocks.

Every rule matches a normalised copy of the text (NFKC, no soft hyphens or zero-width and other format
characters, every dash and minus as `-`, every decimal digit as ASCII), so typography cannot hide a number;
findings point back into the text as typed. A number may be written with a space, ` - `, `/`, `.` or a line
break before the last four, in digit groups (`81 12 28-98 74`) and glued to words or hyphens (`pnr-811228-9874`).

Matched text never leaves this package except as `Finding.masked`, which hides the last four digits of
numbers and is a generic label for every other rule. Findings and results leave `masked` out of repr.

`normalising` holds the normalised copy and its offset map, `rules` the rules table (ids, tiers, editable
lists, findings), `screener` the matching itself; import the public names from here.
"""

from domain.screening.normalising import normalise
from domain.screening.rules import (
    ADDRESS_APARTMENT,
    ADDRESS_POSTCODE,
    ADDRESS_STREET,
    DEFAULT_FIRST_NAMES,
    DEFAULT_LVU_TERMS,
    DEFAULT_RULES,
    DEFAULT_STREET_SUFFIXES,
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
    Tier,
    rule_text_key,
)
from domain.screening.screener import NumberValidator, Screener, redact

__all__ = [
    "ADDRESS_APARTMENT",
    "ADDRESS_POSTCODE",
    "ADDRESS_STREET",
    "DEFAULT_FIRST_NAMES",
    "DEFAULT_LVU_TERMS",
    "DEFAULT_RULES",
    "DEFAULT_STREET_SUFFIXES",
    "ID_NUMBER_BARE",
    "ID_NUMBER_LONG",
    "ID_NUMBER_RULES",
    "ID_NUMBER_SEPARATED",
    "ID_NUMBER_SPACED",
    "LEGAL_MEASURE",
    "PERSON_AGE",
    "PERSON_NAME_AGE",
    "RULE_TIERS",
    "VEHICLE_PLATE",
    "Finding",
    "NumberValidator",
    "Screener",
    "ScreeningResult",
    "ScreeningRules",
    "Tier",
    "normalise",
    "redact",
    "rule_text_key",
]
