"""Proposing in one language, translations filled by members, and publishing only with them confirmed.

On the real database, written as the attacks they guard against where it matters: a reader who is not a
member fills a translation; a publish proposal, or a forged one, skips the confirmation of stale texts.
"""

from __future__ import annotations

import msgspec
import pytest

from questions import proposal_queries, proposals, queries, translations, versions
from questions.changes import AddQuestion, OptionsChange, PublishDraft, WordingChange, apply
from questions.demo import DEMO_SURVEY_NAME, demo_definition
from questions.drafting import change_from
from questions.forms import AddForm, OptionsForm
from questions.schemas import Option, Question, SurveyDefinition
from survey.db import Connection
from tests.support import board_decides, make_account, make_member, reword

SEED = versions.Approval(basis="demo_seed")


def english_only_question() -> AddQuestion:
    """What a member who writes only English sends to add a question (the Spanish fields left empty)."""
    form = msgspec.convert(
        {
            "type": "single_choice",
            "text": ["Did you feel safe here today?", ""],
            "options": ["Yes\nNo", ""],
            "after": "naloxone_carried",
        },
        AddForm,
    )
    change = change_from(form, demo_definition())
    assert isinstance(change, AddQuestion)
    return change


def test_a_question_written_in_english_only_waits_for_its_spanish() -> None:
    question = english_only_question().question
    assert question.untranslated == ["es"]
    # The kiosk never shows an empty screen: Spanish holds the English words until someone translates them.
    assert question.text["es"] == "Did you feel safe here today?"
    assert [option.label["es"] for option in question.options] == ["Yes", "No"]
    after = apply(demo_definition(), english_only_question())
    assert [(gap.key, gap.language, gap.status) for gap in translations.gaps(after)] == [
        ("did_you_feel_safe_here_today", "es", "untranslated")
    ]


def test_the_first_language_is_still_required() -> None:
    form = msgspec.convert({"type": "text", "text": ["", "¿Algo más?"]}, AddForm)
    with pytest.raises(proposals.ProposalError, match="Please write the question in English"):
        change_from(form, demo_definition())


def test_a_translation_made_then_overtaken_by_new_english_is_to_check() -> None:
    draft = apply(demo_definition(), english_only_question())
    key = "did_you_feel_safe_here_today"
    spanish = WordingChange(
        question=key, language="es", text="¿Se sintió seguro/a aquí hoy?", help="", option_labels=["Sí", "No"]
    )
    translated = apply(draft, spanish)
    assert translations.gaps(translated) == []
    english = WordingChange(
        question=key, language="en", text="Did you feel safe here?", help="", option_labels=["Yes", "No"]
    )
    moved_on = apply(translated, english)
    assert [(gap.status, gap.words) for gap in translations.gaps(moved_on)] == [
        ("to_check", "Did you feel safe here?")
    ]
    # A language never translated follows the new English instead of being "to check".
    untouched = apply(draft, english).question(key)
    assert untouched is not None
    assert (untouched.untranslated, untouched.needs_review, untouched.text["es"]) == (
        ["es"],
        [],
        "Did you feel safe here?",
    )


def test_a_new_answer_in_english_only_leaves_the_spanish_to_check() -> None:
    form = msgspec.convert({"question": "overdose_seen", "options": ["Yes\nNo\nNot sure", ""]}, OptionsForm)
    change = change_from(form, demo_definition())
    assert isinstance(change, OptionsChange)
    assert change.to_check == ["es"]
    question = apply(demo_definition(), change).question("overdose_seen")
    assert question is not None
    assert (question.needs_review, question.option_codes) == (["es"], ["yes", "no", "not_sure"])


async def demo_survey(conn: Connection) -> int:
    survey_id = await versions.create_survey(
        conn, name=DEMO_SURVEY_NAME, definition=demo_definition(), actor_id=None
    )
    await versions.publish(conn, survey_id, actor_id=None, approval=SEED)
    return survey_id


async def test_a_reader_who_is_not_a_member_cannot_fill_a_translation(
    conn: Connection, database_url: str
) -> None:
    members = [(await make_member(database_url, name)).id for name in ("ash", "robin")]
    reader = await make_account(database_url, "reader", ["board"])  # the board role, not membership
    survey_id = await demo_survey(conn)
    added = await proposals.propose(conn, survey_id, english_only_question(), reason="", actor_id=members[0])
    await board_decides(conn, added)
    spanish = WordingChange(
        question="did_you_feel_safe_here_today",
        language="es",
        text="¿Se sintió seguro/a?",
        help="",
        option_labels=["Sí", "No"],
    )
    with pytest.raises(proposals.ProposalError, match="Only members of the board"):
        await proposals.propose(conn, survey_id, spanish, reason="", actor_id=reader.id)
    assert [p.kind for p in await proposal_queries.proposals_of_survey(conn, survey_id)] == ["add"]
    draft = await queries.draft(conn, survey_id)
    assert draft is not None
    assert [gap.language for gap in translations.gaps(draft)] == ["es"]


async def test_publishing_stale_translations_needs_the_confirmation(
    conn: Connection, database_url: str
) -> None:
    members = [(await make_member(database_url, name)).id for name in ("ash", "robin")]
    survey_id = await demo_survey(conn)
    changed = await proposals.propose(
        conn, survey_id, reword("How are you today?"), reason="", actor_id=members[0]
    )
    await board_decides(conn, changed)
    draft = await queries.draft(conn, survey_id)
    assert draft is not None
    assert [gap.status for gap in translations.gaps(draft)] == ["to_check"]

    with pytest.raises(proposals.ProposalError, match="confirm"):
        await proposals.propose(
            conn, survey_id, PublishDraft(definition=draft), reason="", actor_id=members[0]
        )
    # A publish proposal stored without the confirmation (past the propose step) is refused at the gate.
    forged = await proposal_queries.insert_proposal(
        conn, survey_id, PublishDraft(definition=draft), draft_before=draft, reason="", proposed_by=members[0]
    )
    for member in members:
        await proposal_queries.insert_vote(conn, forged, member, "approve", "")
    with pytest.raises(versions.PublishRefusedError, match="did not confirm"):
        await versions.publish(
            conn, survey_id, actor_id=None, approval=versions.Approval(basis="board", proposal_id=forged)
        )
    assert (await queries.latest_version(conn, survey_id)).number == 1  # type: ignore[union-attr]

    knowingly = PublishDraft(definition=draft, translations_confirmed=True)
    publishing = await proposals.propose(conn, survey_id, knowingly, reason="", actor_id=members[1])
    await proposal_queries.close_proposal(conn, forged, "withdrawn", "")
    await board_decides(conn, publishing)
    latest = await queries.latest_version(conn, survey_id)
    assert latest is not None
    assert latest.number == 2


def test_a_survey_with_every_text_translated_publishes_without_asking() -> None:
    definition = SurveyDefinition(
        title={"en": "T", "es": "T"},
        languages=["en", "es"],
        questions=[
            Question(
                key="q",
                type="single_choice",
                text={"en": "Q?", "es": "¿P?"},
                options=[Option("a", {"en": "A", "es": "A"}), Option("b", {"en": "B", "es": "B"})],
            )
        ],
    )
    assert apply(definition, PublishDraft(definition=definition)) == definition
