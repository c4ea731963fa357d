"""How an organisation's entry in the compiled lägesbild is headed: its name, and the forum's areas it ticked for
the text (issue 11), e.g. "Polisen (Centrum, Droger)". Shared by the card, the text and Markdown forms and Word."""

from __future__ import annotations

from dialogs.texts import Texts
from domain.reporting import SectionEntry


def entry_label(t: Texts, entry: SectionEntry) -> str:
    name = " ".join(entry.organisation.name.split())
    if not entry.areas:
        return name
    return t("summary.entry_areas", organisation=name, areas=t("summary.list_separator").join(entry.areas))
