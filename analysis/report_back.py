"""The board's "you said, we did" report-backs: figures from the protected set, released by quorum.

A draft holds references to figures (``mean:who5``, ``band:who5:poor_wellbeing``,
``answer:naloxone_carried:always``), never a number. Every time a figure is shown or kept (the draft page,
proposing, the release), the reference is resolved against the survey's protected set as it is then:
anything the set hides, anything of fewer than k, a period or language the survey lacks is refused with
the reason. A release proposal is a proposal of the kind ``report_back`` (registered with
:func:`questions.proposals.register_kind`, since the board's layer cannot import this one); when the
board accepts it, :func:`settle` resolves every figure again and keeps the release, or closes the
proposal unreleased with the reason.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Final

import msgspec

from analysis import periods, protected_store, report_back_queries
from analysis import report_back_words as words
from questions import proposals
from questions.proposals import ProposalError, ProposalKind

if TYPE_CHECKING:
    from analysis.protected import ProtectedSet
    from analysis.report_back_queries import Draft, Release
    from questions.proposal_kind_queries import ExternalProposal
    from questions.quorum import Tally
    from questions.schemas import SurveyDefinition
    from survey.db import Connection

KIND: Final = "report_back"
MAX_FIGURES: Final = 6
PREFER_NOT_TO_SAY: Final = "prefer_not_to_say"


class ReportTexts(msgspec.Struct, frozen=True, kw_only=True):
    """The board's words in one language: a title, what people said, and what the program did."""

    title: str = ""
    heard: str = ""
    did: str = ""


class ShownFigure(msgspec.Struct, frozen=True, kw_only=True):
    """A figure the protected set shows, with its sentence in each language of the survey."""

    ref: str
    part: int | None = None
    whole: int | None = None
    mean: float | None = None
    sentences: dict[str, str]


class Content(msgspec.Struct, frozen=True, kw_only=True):
    """A report-back as the public, the kiosk, the poster and the handout show it."""

    survey_title: dict[str, str]
    period: str
    period_words: dict[str, str]
    languages: list[str]
    texts: dict[str, ReportTexts]
    """Every language filled in: a language without the board's words holds the first language's."""
    untranslated: list[str]
    figures: list[ShownFigure]
    k: int


class RefusedError(ValueError):
    """A report-back was refused; the message says why in plain words (naming the figure or field)."""


def _hidden(reason: str | None, k: int) -> str:
    return f"the protected set hides it ({(reason or '').replace('fewer than k', f'fewer than {k}')})"


def resolve(ref: str, kept: ProtectedSet, definition: SurveyDefinition, period: str) -> ShownFigure:
    """One figure reference as the protected set shows it now, worded in each language of the survey.

    Raises:
        RefusedError: the reference names nothing in the survey, or the set does not show it, or it counts
            fewer than k people.
    """
    k = kept.k
    parts = ref.split(":")
    kind = parts[0]
    where = f"The figure “{ref}” cannot be used:"
    if kind in {"mean", "band"} and len(parts) == (2 if kind == "mean" else 3):
        rule = next((m for m in definition.measures if m.measure == parts[1]), None)
        if rule is None:
            raise RefusedError(f"{where} the survey has no such measure.")
        total = kept.figure(rule.measure, "all", None, period)
        if total is None or total.n is None or total.hidden or total.stats is None:
            raise RefusedError(f"{where} {_hidden(total.hidden if total else 'fewer than k', k)}.")
        if total.n < k:
            raise RefusedError(f"{where} it counts fewer than {k} people.")
        if kind == "mean":
            sentences = {
                language: words.mean_sentence(
                    total.stats.mean,
                    total.n,
                    words.measure_name(rule.measure, rule.name, language),
                    rule.score_min,
                    rule.score_max,
                    rule.higher_is_better,
                    language,
                )
                for language in definition.languages
            }
            return ShownFigure(ref=ref, whole=total.n, mean=round(total.stats.mean, 1), sentences=sentences)
        band = next((b for b in rule.bands if b.key == parts[2]), None)
        found = next(
            (b for b in kept.band_figures(rule.measure) if (b.period, b.band) == (period, parts[2])), None
        )
        if band is None:
            raise RefusedError(f"{where} the measure has no such range of scores.")
        if found is None or found.count is None or found.hidden:
            raise RefusedError(f"{where} {_hidden(found.hidden if found else 'fewer than k', k)}.")
        if found.count < k:
            raise RefusedError(f"{where} it counts fewer than {k} people.")
        sentences = {
            language: words.band_sentence(
                found.count,
                total.n,
                words.measure_name(rule.measure, rule.name, language),
                words.band_name(band.key, band.label, language),
                language,
            )
            for language in definition.languages
        }
        return ShownFigure(ref=ref, part=found.count, whole=total.n, sentences=sentences)
    if kind == "answer" and len(parts) == 3:
        return _answer(ref, parts[1], parts[2], kept, definition, period)
    raise RefusedError(f"{where} it is not a figure of this survey.")


def _answer(
    ref: str, key: str, option: str, kept: ProtectedSet, definition: SurveyDefinition, period: str
) -> ShownFigure:
    k = kept.k
    where = f"The figure “{ref}” cannot be used:"
    question = definition.question(key)
    if question is None or question.type not in protected_store.CHOICE_TYPES:
        raise RefusedError(f"{where} the survey has no such question with answers to count.")
    codes = [str(o.code) for o in question.options] + [PREFER_NOT_TO_SAY]
    if option not in codes:
        raise RefusedError(f"{where} the question has no such answer.")
    shown = kept.item_figures(key, period)
    found = shown.get(option)
    if found is not None and (found.count is None or found.hidden):
        raise RefusedError(f"{where} {_hidden(found.hidden, k)}.")
    count = 0 if found is None else found.count or 0
    if count < k:
        raise RefusedError(f"{where} it counts fewer than {k} people.")
    labels = {str(o.code): o.label for o in question.options}
    first = definition.languages[0]

    def label(language: str) -> str:
        if option == PREFER_NOT_TO_SAY:
            return "Prefiero no decirlo" if words.worded(language) == "es" else "Prefer not to say"
        texts = labels[option]
        return texts.get(language) or texts.get(first, option)

    def text(language: str) -> str:
        return question.text.get(language) or question.text.get(first, key)

    if question.type == "multi_choice":  # options overlap: no total is published, so a count only
        sentences = {
            lang: words.answer_count(count, label(lang), text(lang), lang) for lang in definition.languages
        }
        return ShownFigure(ref=ref, part=count, sentences=sentences)
    if any(f.count is None or f.hidden for f in shown.values()):
        raise RefusedError(f"{where} another answer to the question is hidden, so its share is not shown.")
    whole = sum(f.count or 0 for f in shown.values())
    sentences = {
        lang: words.answer_share(count, whole, label(lang), text(lang), lang) for lang in definition.languages
    }
    return ShownFigure(ref=ref, part=count, whole=whole, sentences=sentences)


def choices(kept: ProtectedSet, definition: SurveyDefinition, period: str) -> list[ShownFigure]:
    """Every figure the board may pick for a period: only what the protected set shows, at least k."""
    refs = [f"mean:{rule.measure}" for rule in definition.measures]
    refs += [f"band:{rule.measure}:{band.key}" for rule in definition.measures for band in rule.bands]
    for question in definition.questions:
        if question.type in protected_store.CHOICE_TYPES:
            codes = [str(o.code) for o in question.options] + [PREFER_NOT_TO_SAY]
            refs += [f"answer:{question.key}:{code}" for code in codes]
    found = []
    for ref in refs:
        try:
            found.append(resolve(ref, kept, definition, period))
        except RefusedError:
            continue
    return found


def check_texts(texts: dict[str, ReportTexts], definition: SurveyDefinition) -> None:
    """The board's words: only the survey's languages, and the first language's title and response.

    Raises:
        RefusedError: a language the survey lacks, or the first language's title or response is empty.
    """
    for language in texts:
        if language not in definition.languages:
            raise RefusedError(f"language: the survey has no language “{language}”.")
    first = texts.get(definition.languages[0], ReportTexts())
    if not first.title.strip() or not first.did.strip():
        raise RefusedError(
            "title: the report-back needs a title and the program's response in the survey's first language."
        )


async def context(conn: Connection, survey_id: int, k: int) -> tuple[ProtectedSet, SurveyDefinition]:
    """The survey's protected set and newest definition.

    Raises:
        RefusedError: the survey has no published version.
    """
    try:
        return await protected_store.load(conn, survey_id, k)
    except LookupError:
        raise RefusedError("survey: the survey has no published version, so no figures.") from None


def check_period(period: str, kept: ProtectedSet) -> None:
    """Refuse a reporting period the survey has no responses in.

    Raises:
        RefusedError: naming ``period``.
    """
    if period not in periods.offered(kept.periods):
        raise RefusedError(f"period: the survey has no responses in the period “{period}”.")


def content(
    draft_period: str,
    texts: dict[str, ReportTexts],
    refs: list[str],
    kept: ProtectedSet,
    definition: SurveyDefinition,
) -> Content:
    """A report-back with every figure resolved now (raises :class:`RefusedError` on the first refused)."""
    check_period(draft_period, kept)
    check_texts(texts, definition)
    if len(refs) > MAX_FIGURES or len(set(refs)) != len(refs):
        raise RefusedError(f"figures: at most {MAX_FIGURES} figures, each once.")
    figures = [resolve(ref, kept, definition, draft_period) for ref in refs]
    first = definition.languages[0]
    filled = {}
    untranslated = []
    for language in definition.languages:
        own = texts.get(language, ReportTexts())
        if language != first and not (own.title.strip() and own.did.strip()):
            untranslated.append(language)
            own = texts[first]
        filled[language] = own
    return Content(
        survey_title={
            lang: definition.title.get(lang) or definition.title.get(first, "")
            for lang in definition.languages
        },
        period=draft_period,
        period_words={lang: words.period_words(draft_period, lang) for lang in definition.languages},
        languages=list(definition.languages),
        texts=filled,
        untranslated=untranslated,
        figures=figures,
        k=kept.k,
    )


def draft_texts(found: Draft) -> dict[str, ReportTexts]:
    """A stored draft's texts as Structs."""
    return {lang: msgspec.convert(value, ReportTexts) for lang, value in found.texts.items()}


async def propose_release(conn: Connection, draft_id: int, k: int, *, reason: str, actor_id: int) -> int:
    """Put a draft's release to the board, after checking every figure against the set as it is now.

    Raises:
        RefusedError: no such draft, or a figure, period or text is refused (the message says which).
        ProposalError: the proposer is not a member.
    """
    found = await report_back_queries.draft(conn, draft_id)
    if found is None:
        raise RefusedError("There is no such report-back.")
    kept, definition = await context(conn, found.survey_id, k)
    refs = [ref["ref"] for ref in found.figures]
    content(found.period, draft_texts(found), refs, kept, definition)
    change: dict[str, object] = {
        "kind": KIND,
        "report_back_id": found.id,
        "survey_id": found.survey_id,
        "period": found.period,
        "texts": found.texts,
        "figures": refs,
    }
    return await proposals.propose_kind(conn, KIND, change, reason=reason, actor_id=actor_id)


def _settler(k: int) -> ProposalKind:
    async def settle(
        conn: Connection, found: ExternalProposal, counted: Tally, _actor_id: int | None
    ) -> tuple[str, str]:
        change = found.change
        survey_id = int(str(change["survey_id"]))
        texts = msgspec.convert(change["texts"], dict[str, ReportTexts])
        refs = msgspec.convert(change["figures"], list[str])
        try:
            kept, definition = await context(conn, survey_id, k)
            released = content(str(change["period"]), texts, refs, kept, definition)
        except RefusedError as refused:
            return "outdated", f"Not released: the protected set changed since it was proposed. {refused}"
        decision = f"{counted.approvals} board members approved."
        await report_back_queries.insert_release(
            conn,
            int(str(change["report_back_id"])),
            found.id,
            secrets.token_urlsafe(12),
            proposer=found.proposer,
            decision=decision,
            content=msgspec.to_builtins(released),
        )
        return "accepted", f"{decision} Released."

    return ProposalKind(
        settle=settle, page=lambda proposal_id: f"/board/report-backs/proposals/{proposal_id}"
    )


def register(k: int) -> None:
    """Let the board decide report-back releases, checked at ``k`` (the app's ``SURVEY_MIN_CELL``)."""
    proposals.register_kind(KIND, _settler(k))


def released(found: Release) -> Content:
    """A kept release's content."""
    return msgspec.convert(found.content, Content)


__all__ = ["KIND", "Content", "ProposalError", "RefusedError", "ReportTexts", "ShownFigure", "register"]


async def kiosk_payload(conn: Connection, survey_id: int) -> dict[str, object] | None:
    """What a kiosk running this survey shows after the thank-you: its newest release, per language.

    Only released words and figures, as released; ``None`` when the board has released nothing for it.
    """
    found = await report_back_queries.kiosk_release(conn, survey_id)
    if found is None:
        return None
    shown = released(found)
    by_language: dict[str, object] = {}
    for language in shown.languages:
        texts = shown.texts[language]
        by_language[language] = {
            "title": texts.title,
            "heard": texts.heard,
            "did": texts.did,
            "period": words.label(language, "period", period=shown.period_words[language]),
            "figures": [figure.sentences[language] for figure in shown.figures],
            "labels": {
                key: words.label(language, key, k=shown.k, day=found.released_on)
                for key in ("heading", "heard", "did", "open", "close", "small", "released")
            },
        }
    return {"released_on": found.released_on.isoformat(), "languages": by_language}
