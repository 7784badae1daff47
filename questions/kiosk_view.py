"""A survey definition as the kiosk runs it: the definition with every text of the interface it needs.

The kiosk page and the board's kiosk preview both read this shape, so a preview is exactly what a
participant will see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from survey import i18n
from survey.schemas import KioskSurvey

if TYPE_CHECKING:
    from questions.schemas import SurveyDefinition


def kiosk_survey(definition: SurveyDefinition, version_id: int, *, site: str, resources: str) -> KioskSurvey:
    """What the kiosk page runs on: a definition with every text of the interface in its languages."""
    return KioskSurvey(
        survey_version=version_id,
        site=site,
        resources=resources,
        languages=[i18n.describe(language) for language in definition.languages],
        definition=msgspec.to_builtins(definition),
        ui={language: i18n.ui_strings(language) for language in definition.languages},
    )
