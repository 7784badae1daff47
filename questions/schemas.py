"""What a survey asks: questions, their options and texts per language, and a survey's whole definition."""

from __future__ import annotations

from typing import Annotated, Final, Literal, TypeAlias

import msgspec
from msgspec import Meta

from questions.scoring_rules import ScoringRule
from questions.skip_logic import Expression

QuestionKey = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="Stable key, e.g. who5_1")]
XLSFORM_NAME: Final = r"^[A-Za-z_][A-Za-z0-9_.\-]{0,127}$"
XLSFormName = Annotated[str, Meta(pattern=XLSFORM_NAME, description="An XLSForm name, e.g. Q-1")]
Language = Annotated[str, Meta(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
Texts: TypeAlias = dict[str, str]
"""Text per language code, e.g. ``{"en": "...", "es": "..."}``."""

NO_NAMES_HINT: Final[dict[str, str]] = {
    "en": "Please do not write names or anything that could identify you or someone else.",
    "es": "Por favor no escriba nombres ni nada que pueda identificarle a usted o a otra persona.",
}
"""Shown under every free-text question on the kiosk, in addition to the question's own help."""

QuestionType = Literal["single_choice", "multi_choice", "rating", "number", "text", "info"]
CHOICE_TYPES: frozenset[str] = frozenset({"single_choice", "multi_choice", "rating"})


class Option(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """One answer option: its stored code (an instrument's score value, or a word) and its labels."""

    code: int | str
    label: Texts
    picture: Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")] | None = None
    """The SHA-256 of a picture the board approved for this answer (served at ``/media/<digest>``)."""


class Question(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One screen of a survey.

    Every question can be skipped and offers "prefer not to say" (stored as that value, so a skip, which
    stores nothing, stays distinct from it). ``info`` screens take no answer.
    """

    key: QuestionKey
    type: QuestionType
    text: Texts
    help: Texts = {}
    options: list[Option] = []
    minimum: float | None = None
    """Smallest number accepted (``number`` questions)."""
    maximum: float | None = None
    """Largest number accepted (``number`` questions)."""
    integer: bool = True
    """Whether a ``number`` answer must be whole."""
    max_length: int = 300
    """Longest ``text`` answer accepted."""
    instrument: str | None = None
    """The instrument an item belongs to (``who5``); its wording is fixed by the instrument's source."""
    audio: Texts = {}
    """A recorded reading per language: a path under the static files."""
    show_if: Expression | None = None
    """Skip logic: the question is shown only when this holds for earlier answers."""
    needs_review: list[Language] = []
    """Languages whose translation is older than its source (the first language's wording changed since)."""
    untranslated: list[Language] = []
    """Languages with no translation yet: their texts hold the first language's words until one is made."""
    xlsform_name: XLSFormName | None = None
    """The ``name`` the question had in the XLSForm it was imported from, when it is not a key we allow
    (``Q-1``, ``_age``, ``Drug.Used``): our export writes it back, so the form round-trips to KoboToolbox."""

    @property
    def option_codes(self) -> list[int | str]:
        """The codes a choice answer may take."""
        return [option.code for option in self.options]

    @property
    def pictures(self) -> list[str | None]:
        """Each answer's picture (its digest), in order, ``None`` where it has none."""
        return [option.picture for option in self.options]


class SurveyDefinition(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Everything a kiosk needs and a version freezes: questions in order, texts, skip logic, scoring."""

    title: Texts
    languages: list[Language]
    """The languages offered, the first being the default."""
    questions: list[Question]
    measures: list[ScoringRule] = []
    """The scoring rules of the instruments the survey contains, frozen with it."""

    def question(self, key: str) -> Question | None:
        """The question with ``key``, or ``None``."""
        return next((question for question in self.questions if question.key == key), None)
