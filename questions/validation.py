"""Checks that a survey definition can run: every message names the question it is about."""

from __future__ import annotations

from questions.schemas import CHOICE_TYPES, Question, SurveyDefinition
from questions.scoring_rules import PREFER_NOT_TO_SAY
from questions.skip_logic import Answered, Equals, Greater, Less, NotAnswered, OneOf, comparisons
from survey.problems import SetupProblem


class DefinitionError(SetupProblem, ValueError):
    """A survey definition has problems; ``problems`` lists them, each naming its question."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _question_problems(question: Question, languages: list[str]) -> list[str]:
    problems = []
    where = f"question {question.key}"
    missing = [language for language in languages if not question.text.get(language, "").strip()]
    if missing:
        problems.append(f"{where}: no text in {', '.join(missing)}")
    if question.type in CHOICE_TYPES:
        codes = question.option_codes
        if len(codes) < 2:
            problems.append(f"{where}: a {question.type} question needs at least two options")
        if len(set(codes)) != len(codes):
            problems.append(f"{where}: two options share a code")
        if PREFER_NOT_TO_SAY in codes:
            problems.append(
                f"{where}: {PREFER_NOT_TO_SAY!r} is offered on every question and cannot be an option"
            )
        if question.type == "rating" and not all(isinstance(code, int) for code in codes):
            problems.append(f"{where}: rating options are coded by their score values (whole numbers)")
        for option in question.options:
            unlabelled = [language for language in languages if not option.label.get(language, "").strip()]
            if unlabelled:
                problems.append(f"{where}: option {option.code!r} has no label in {', '.join(unlabelled)}")
    elif question.options:
        problems.append(f"{where}: a {question.type} question has no options")
    if question.minimum is not None and question.maximum is not None and question.minimum > question.maximum:
        problems.append(f"{where}: minimum is above maximum")
    return problems


def _skip_logic_problems(question: Question, earlier: dict[str, Question]) -> list[str]:
    if question.show_if is None:
        return []
    problems = []
    where = f"question {question.key}: skip logic"
    for leaf in comparisons(question.show_if):
        target = earlier.get(leaf.q)
        if target is None:
            problems.append(f"{where} refers to {leaf.q!r}, which is not an earlier question")
            continue
        if target.type == "info":
            problems.append(f"{where} refers to {leaf.q!r}, an information screen without answers")
        match leaf:
            case Equals(value=value):
                wanted = [value]
            case OneOf(values=values):
                wanted = list(values)
            case Greater() | Less():
                if target.type not in {"number", "rating"}:
                    problems.append(f"{where} compares {leaf.q!r} by size, but it is not a number or rating")
                wanted = []
            case Answered() | NotAnswered():
                wanted = []
        if target.type in CHOICE_TYPES:
            # "prefer not to say" is an answer every question offers, so skip logic may name it.
            unknown = [v for v in wanted if v not in target.option_codes and v != PREFER_NOT_TO_SAY]
            if unknown:
                problems.append(f"{where} uses option {unknown[0]!r}, which {leaf.q} does not have")
    return problems


def validate(definition: SurveyDefinition) -> None:
    """Check a definition as a whole.

    Raises:
        DefinitionError: with every problem found, each naming its question.
    """
    problems: list[str] = []
    if not definition.languages:
        problems.append("the survey needs at least one language")
    if not definition.questions:
        problems.append("the survey has no questions")
    earlier: dict[str, Question] = {}
    for question in definition.questions:
        if question.key in earlier:
            problems.append(f"question {question.key}: the key is used twice")
        problems += _question_problems(question, definition.languages)
        problems += _skip_logic_problems(question, earlier)
        earlier[question.key] = question
    for rule in definition.measures:
        for item in rule.items:
            rated = earlier.get(item)
            if rated is None or rated.type != "rating":
                problems.append(
                    f"measure {rule.measure}: item {item} is not a rating question of this survey"
                )
            elif not all(
                isinstance(code, int) and rule.item_min <= code <= rule.item_max
                for code in rated.option_codes
            ):
                problems.append(f"question {item}: option codes fall outside {rule.measure}'s item range")
    if problems:
        raise DefinitionError(problems)
