"""The board's forms: one Struct per intent, strict about unknown fields and sizes, as the pages submit them.

Each proposal form carries ``confirmed``: without it the page shows the change to check before sending.
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from questions.schemas import Language, QuestionKey
from survey.forms import Form

Text = Annotated[str, Meta(max_length=2000)]
Lines = Annotated[str, Meta(max_length=4000)]
Reason = Annotated[str, Meta(max_length=2000)]


class ProposalFormBase(Form, kw_only=True):
    """What every proposal form carries: the proposer's reason, and whether they confirmed after the check."""

    reason: Reason = ""
    confirmed: bool = False
    revises: Annotated[int, Meta(ge=1, le=2**63 - 1)] | None = None
    """The open proposal this one revises (its proposer only), instead of a new proposal."""


class ShowIfFields(ProposalFormBase):
    """The "show only if" fields: an earlier question (empty: always) and the answers that show it."""

    show_if_question: Annotated[str, Meta(max_length=64)] = ""
    show_if_answer: list[Annotated[str, Meta(max_length=130)]] | Annotated[str, Meta(max_length=130)] = []


class WordingForm(ProposalFormBase, kw_only=True):
    """New wording of one question in one language (also adds, corrects or reviews a translation)."""

    question: QuestionKey
    language: Language
    text: Annotated[str, Meta(pattern=r"\S", max_length=2000)]
    help: Text = ""
    option_label: list[Text] | Text = []


class OptionsForm(ProposalFormBase):
    """A choice question's answers, one per line, in each language of the survey in order."""

    question: QuestionKey
    options: list[Lines] | Lines


class AddForm(ShowIfFields, kw_only=True):
    """A new question: its texts per language in the survey's order, and its answers one per line."""

    type: Literal["single_choice", "multi_choice", "number", "text", "info"]
    text: list[Text] | Text
    help: list[Text] | Text = []
    options: list[Lines] | Lines = []
    after: str = ""
    minimum: str = ""
    maximum: str = ""


def as_list(value: list[str] | str) -> list[str]:
    """A repeated form field as a list (a form sends one value bare, several as a list)."""
    return [value] if isinstance(value, str) else value


class RetireForm(ProposalFormBase):
    """Take a question out of the draft."""

    question: QuestionKey


class MoveForm(ProposalFormBase):
    """Move a question to a new place."""

    question: QuestionKey
    position: Annotated[int, Meta(ge=1, le=500)]


class ShowIfForm(ShowIfFields, kw_only=True):
    """When a question is shown: always, or only if an earlier question has one of some answers."""

    question: QuestionKey


class PublishForm(ProposalFormBase):
    """Publish the draft as it stands; untranslated or outdated texts need ``translations_confirmed``."""

    translations_confirmed: bool = False


class VoteForm(Form):
    """A vote; ``confirmed`` is set by the confirmation page."""

    choice: Literal["approve", "object", "abstain"]
    reason: Reason = ""
    confirmed: bool = False


class ConfirmForm(Form):
    """Taking something back: a vote or the proposal itself."""

    confirmed: bool = False


class CommentForm(Form):
    """A comment on a proposal."""

    body: Annotated[str, Meta(pattern=r"\S", max_length=4000)]


class WordForm(Form):
    """A word the board adds to the words-to-avoid list of a language."""

    language: Language
    phrase: Annotated[str, Meta(pattern=r"\S", max_length=100)]
    suggestion: Annotated[str, Meta(pattern=r"\S", max_length=200)]
    note: Annotated[str, Meta(max_length=300)] = ""


class QuorumForm(Form):
    """The approvals a proposal needs; empty means a majority of the active members."""

    approvals: Annotated[str, Meta(pattern=r"^\s*[0-9]{0,3}\s*$")] = ""


class MemberForm(ProposalFormBase):
    """Propose welcoming an account to the board, or that a member steps down."""

    account_id: Annotated[int, Meta(ge=1, le=2**63 - 1)]


class QuorumProposalForm(ProposalFormBase):
    """Propose the approvals a proposal needs; empty means a majority of the members."""

    approvals: Annotated[str, Meta(pattern=r"^\s*[0-9]{0,3}\s*$")] = ""


class BoardMemberAddForm(Form):
    """An admin adds a member while the board is being set up."""

    account_id: Annotated[int, Meta(ge=1, le=2**63 - 1)]
