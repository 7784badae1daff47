"""One survey-sheet row at a time: the question or section screen it becomes, or why it is left out."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final, Literal

import msgspec

from questions.schemas import XLSFORM_NAME, Question, SurveyDefinition, Texts
from questions.skip_logic import All, Equals, Expression
from questions.validation import DefinitionError, validate
from questions.xlsform_fields import SPECIFY, build_fields
from questions.xlsform_relevant import RelevantError, parse_relevant
from questions.xlsform_report import RowReport
from questions.xlsform_retype import retyped
from questions.xlsform_types import LEFT_OUT, Kind, classify

if TYPE_CHECKING:
    from questions.xlsform_read import Names, Sheets

_REFERENCE: Final = re.compile(r"\$\{\s*([^}\s]+)\s*\}")
_XLSFORM_NAME: Final = re.compile(XLSFORM_NAME)
_TYPE_WORDS: Final = {
    "single_choice": "single choice",
    "multi_choice": "multiple choice",
    "info": "information",
}


class Frame(msgspec.Struct, kw_only=True):
    """An open ``begin group`` or ``begin repeat``: its condition, or why everything in it is left out."""

    kind: str
    name: str
    row: int
    condition: Expression | None = None
    feature: str = ""
    reason: str = ""


class Row(msgspec.Struct, kw_only=True):
    """The parts of one row the mapping reads."""

    number: int
    type: str
    name: str
    data: dict[str, Any]

    def named(self, fallback: str) -> tuple[str, str]:
        """The name to map to a key (``fallback`` for a row without one), and the key our export wrote."""
        return self.name or fallback, str(self.data.get("x_bank_key") or "").strip()

    def kept_name(self, key: str) -> str | None:
        """The row's name, to write back on export, when it is a name XLSForm allows that is not ``key``."""
        return self.name if self.name != key and _XLSFORM_NAME.match(self.name) else None

    def grouped(self, prefix: str) -> dict[str, Any]:
        """The row's ``PREFIX::`` columns: ``bind`` (``relevant``, ``required``...), ``control``..."""
        columns = self.data.get(prefix)
        return columns if isinstance(columns, dict) else {}

    @property
    def bind(self) -> dict[str, Any]:
        """The row's ``bind::`` columns (``relevant``, ``constraint``, ``required``...)."""
        return self.grouped("bind")


def _report(row: Row, outcome: Literal["imported", "left_out"]) -> RowReport:
    """What the import report says of a survey sheet's row, before what it became or why it was left out."""
    return RowReport(sheet="survey", row=row.number, name=row.name, type=row.type, outcome=outcome)


class RowMapper:
    """Walks the survey sheet in order, keeping the questions accepted so far and a report of each row."""

    def __init__(self, *, sheets: Sheets, codes: dict[str, str], languages: list[str], names: Names) -> None:
        self.codes, self.languages, self.names = codes, languages, names
        self.ours = bool(sheets.ours)
        self.lists: dict[str, list[dict[str, Any]]] = {}
        for entry in sheets.choices:
            list_name = str(entry.get("list name") or entry.get("list_name") or "").strip()
            if list_name:
                self.lists.setdefault(list_name, []).append(entry)
        self.questions: list[Question] = []
        self.reports: list[RowReport] = []
        self.left_out: dict[str, int] = {}
        self.stack: list[Frame] = []

    def texts(self, value: Any, fallback: str = "") -> Texts:
        """Texts per language code from a grouped column (``{"Swahili": ...}``) or a plain one."""
        written = value if isinstance(value, dict) else {"default": value} if value else {}
        texts = {
            self.codes[k]: str(v).strip() for k, v in written.items() if k in self.codes and str(v).strip()
        }
        return texts or ({self.languages[0]: fallback} if fallback else {})

    def complete(self, texts: Texts, review: set[str]) -> Texts:
        """``texts`` in every language: a missing one is filled from another and marked for review."""
        source = texts.get(self.languages[0]) or next(iter(texts.values()), "")
        for language in self.languages:
            if not texts.get(language):
                review.add(language)
        return {language: texts.get(language) or source for language in self.languages}

    def leave_out(self, row: Row, feature: str, reason: str) -> None:
        """Report ``row`` as left out, and remember its name for skip logic that refers to it."""
        if row.name:
            self.left_out[row.name] = row.number
        self.reports.append(msgspec.structs.replace(_report(row, "left_out"), feature=feature, reason=reason))

    def imported(self, row: Row, what: str, notes: list[str] | None = None) -> None:
        """Report ``row`` as imported as ``what``."""
        self.reports.append(
            msgspec.structs.replace(_report(row, "imported"), imported_as=what, notes=notes or [])
        )

    def own_condition(self, relevant: str) -> Expression | None:
        """A row's own ``relevant`` as skip logic, its references written as our keys.

        Raises:
            RelevantError: ``relevant`` cannot be mapped (the message says why).
        """
        if not relevant.strip():
            return None

        def key(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in self.names.keys:
                return "${" + self.names.keys[name] + "}"
            if name in self.left_out:
                raise RelevantError(f"it refers to {name!r} (row {self.left_out[name]}), which is left out")
            raise RelevantError(f"it refers to {name!r}, which is not an earlier question")

        return parse_relevant(_REFERENCE.sub(key, relevant))

    def combined(self, own: Expression | None) -> Expression | None:
        """The enclosing groups' conditions and ``own``, as one expression."""
        parts = [frame.condition for frame in self.stack if frame.condition is not None]
        parts += [own] if own is not None else []
        return None if not parts else parts[0] if len(parts) == 1 else All(of=parts)

    def accept(self, candidate: Question) -> list[str]:
        """Add ``candidate`` after the accepted questions, or say what stops it from running there."""
        candidate = retyped(candidate, self.questions)
        try:
            definition = SurveyDefinition(
                title={}, languages=self.languages, questions=[*self.questions, candidate]
            )
            validate(definition)
        except DefinitionError as refused:
            return refused.problems
        self.questions.append(candidate)
        return []

    def row(self, data: dict[str, Any]) -> None:
        """Map one survey row (blank and comment-only rows are skipped)."""
        row = Row(
            number=int(data.get("__row", 0)),
            type=" ".join(str(data.get("type", "")).split()),
            name=str(data.get("name", "")).strip(),
            data=data,
        )
        if not row.type and not row.name and not data.get("label"):
            return
        kind = classify(row.type)
        closed = next((frame for frame in self.stack if frame.reason), None)
        if kind.name.startswith("end_"):
            frame = self.stack.pop() if self.stack else None
            if closed is not None:
                self.leave_out(row, closed.feature, closed.reason)
            else:
                self.imported(row, f"the end of the {frame.kind if frame else 'group'}")
        elif closed is not None:
            if kind.name.startswith("begin_"):
                self.stack.append(Frame(kind="group", name=row.name, row=row.number))
            self.leave_out(row, closed.feature, closed.reason)
        elif kind.name == "begin_repeat":
            reason = LEFT_OUT["repeat"]
            inner = f"inside the repeat {row.name!r} (row {row.number}): {reason}"
            self.stack.append(
                Frame(kind="repeat", name=row.name, row=row.number, feature="repeat", reason=inner)
            )
            self.leave_out(row, "repeat", reason)
        elif kind.name == "begin_group":
            self.group(row)
        elif kind.left_out:
            self.leave_out(row, kind.left_out, LEFT_OUT[kind.left_out])
        else:
            self.question(row, kind)

    def group(self, row: Row) -> None:
        """A group: its ``relevant`` applies to its rows; its label becomes a section screen."""
        try:
            own = self.own_condition(str(row.bind.get("relevant", "")))
        except RelevantError as error:
            reason = f"its relevant {row.bind.get('relevant')!r} cannot be mapped: {error}"
            inner = (
                f"inside the group {row.name!r} (row {row.number}), whose relevant cannot be mapped: {error}"
            )
            self.stack.append(
                Frame(kind="group", name=row.name, row=row.number, feature="skip logic", reason=inner)
            )
            self.leave_out(row, "skip logic", reason)
            return
        condition = self.combined(own)
        self.stack.append(Frame(kind="group", name=row.name, row=row.number, condition=own))
        text = self.texts(row.data.get("label"))
        if not text:
            self.imported(
                row, "a group without a label (no section screen); its skip logic applies to its rows"
            )
            return
        review = self.review(row)
        named = row.named(f"section_{row.number}")
        key = self.names.peek(*named)
        screen = Question(
            key=key,
            type="info",
            text=self.complete(text, review),
            show_if=condition,
            needs_review=sorted(review),
            xlsform_name=row.kept_name(key),
        )
        if problems := self.accept(screen):
            self.imported(
                row, "a group without a section screen", [f"section screen left out: {problems[0]}"]
            )
            return
        self.names.key(*named)
        self.imported(row, f"section screen {key} (the group's label)")

    def review(self, row: Row) -> set[str]:
        """The languages to mark for the board's review: our export's own marks, else every translation."""
        if self.ours:
            marks = str(row.data.get("x_bank_needs_review") or "")
            return {mark.strip() for mark in marks.split(",") if mark.strip() in self.languages}
        return set(self.languages[1:])

    def question(self, row: Row, kind: Kind) -> None:
        """A question row: its type, texts, options, range and skip logic, with what could not be kept."""
        if row.data.get("choice_filter"):
            self.leave_out(row, "choice_filter", LEFT_OUT["choice_filter"])
            return
        if "search(" in str(row.data.get("appearance") or row.grouped("control").get("appearance") or ""):
            self.leave_out(row, "external", LEFT_OUT["external"] + " (its appearance is search())")
            return
        text = self.texts(row.data.get("label") or row.data.get("text"))
        hint_only = not text and kind.name != "note"
        text = text or self.texts(row.data.get("hint"))
        if not text:
            self.leave_out(
                row, "no label", "the row has no label in any language, so there is nothing to show"
            )
            return
        review = self.review(row)
        built = build_fields(self, row, kind, review)
        if isinstance(built, str):
            self.leave_out(row, "choices", built)
            return
        fields, notes = built
        if hint_only:
            fields["help"] = {}
            notes.append("it has no label, so its hint is shown as its text")
        try:
            fields["show_if"] = self.combined(self.own_condition(str(row.bind.get("relevant", ""))))
        except RelevantError as error:
            self.leave_out(
                row, "skip logic", f"its relevant {row.bind.get('relevant')!r} cannot be mapped: {error}"
            )
            return
        named = row.named(f"question_{row.number}")
        key = self.names.peek(*named)
        fields |= {"key": key, "text": self.complete(text, review), "needs_review": sorted(review)}
        fields["xlsform_name"] = row.kept_name(key)
        candidate = msgspec.convert(fields, Question)
        if problems := self.accept(candidate):
            self.leave_out(row, "not valid", "; ".join(problems))
            return
        self.names.key(*named)
        what = f"{_TYPE_WORDS.get(candidate.type, candidate.type)} question {key}"
        if kind.or_other:
            what += self.other_follow_up(candidate, notes)
        self.imported(row, what, notes)

    def other_follow_up(self, question: Question, notes: list[str]) -> str:
        """The text question shown when "Other" is picked (``or_other``)."""
        review = {language for language in self.languages if language not in SPECIFY} | set(
            self.languages[1:]
        )
        text = {language: SPECIFY.get(language, SPECIFY["en"]) for language in self.languages}
        key = self.names.peek(f"{question.key}_other")
        follow_up = Question(
            key=key,
            type="text",
            text=text,
            show_if=Equals(q=question.key, value="other"),
            needs_review=sorted(review),
        )
        if problems := self.accept(follow_up):
            notes.append(f"the follow-up question for “Other” is left out: {problems[0]}")
            return ", with an “Other” option"
        self.names.key(key)
        return f", with an “Other” option and the follow-up text question {key} shown when Other is picked"
