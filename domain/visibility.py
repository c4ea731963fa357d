"""Who sees a forum's compiled lägesbild, and which organisations are external.

An organisation can be external (extern aktör: a housing company, bus company, security firm, parish): a private
actor, not part of the municipality or another authority. Per forum the chair chooses who sees the compiled
lägesbild: everyone in the forum, municipal (non-external) organisations only, or the chair only. External
participants always see published minutes and their own submissions, never other organisations' raw submissions.
"""

from __future__ import annotations

import enum


class SummaryVisibility(enum.StrEnum):
    EVERYONE = "everyone"  # alla i forumet
    MUNICIPAL = "municipal"  # endast kommunala/offentliga organisationer (inte externa)
    CHAIR = "chair"  # endast ordföranden
