"""The demo survey: WHO-5, K6 and the starting program items, in English and Spanish."""

from __future__ import annotations

from typing import Final

from questions.bank import shipped_instruments, starting_items
from questions.schemas import SurveyDefinition

DEMO_SURVEY_NAME: Final = "Participant voices (demo)"


def demo_definition() -> SurveyDefinition:
    """The demo survey's definition, built from the shipped question bank."""
    instruments = shipped_instruments()
    who5, k6 = instruments["who5"], instruments["k6"]
    return SurveyDefinition(
        title={"en": "How are you doing?", "es": "¿Cómo le va?"},
        languages=["en", "es"],
        questions=[*who5.items, *k6.items, *starting_items()],
        measures=[*who5.measures, *k6.measures],
    )
