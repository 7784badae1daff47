"""A report-back's figures and periods in plain words, per language ("6 in 10 of you said ...").

Pure functions of numbers and texts. English and Spanish are written here; any other language of a
survey gets the English sentence and is marked on the board's page as needing translation (the board's
own texts in that language are its own, like every other text of the survey).
"""

from __future__ import annotations

from typing import Final

WORDED_LANGUAGES: Final = ("en", "es")
"""The languages whose figure sentences are written here; others read the English ones."""

MONTHS_ES: Final = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
MONTHS_EN: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

MEASURE_NAMES: Final[dict[str, dict[str, str]]] = {
    "who5": {"en": "well-being (WHO-5)", "es": "bienestar (WHO-5)"},
    "k6": {"en": "distress (K6)", "es": "malestar (K6)"},
}
BAND_NAMES_ES: Final[dict[str, str]] = {
    "likely_depression": "probable depresión (28 o menos)",
    "poor_wellbeing": "bienestar bajo (29 a 50)",
    "low_distress": "malestar bajo (0 a 4)",
    "moderate_distress": "malestar moderado (5 a 12)",
    "serious_distress": "malestar grave (13 o más)",
}

LABELS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "heading": "You said, we did",
        "heard": "What you told us",
        "did": "What we did",
        "period": "Answers from {period}",
        "released": "Released by the peer advisory board on {day}",
        "small": "Groups of fewer than {k} people are never shown.",
        "open": "See what people told the program, and what it did",
        "close": "Start over now",
        "skip": "Skip",
        "needs_translation": "needs translation",
    },
    "es": {
        "heading": "Ustedes dijeron, nosotros hicimos",
        "heard": "Lo que nos dijeron",
        "did": "Lo que hicimos",
        "period": "Respuestas de {period}",
        "released": "Publicado por el consejo asesor de pares el {day}",
        "small": "Nunca se muestran grupos de menos de {k} personas.",
        "open": "Vea lo que la gente le dijo al programa, y lo que hizo",
        "close": "Empezar de nuevo ahora",
        "skip": "Saltar",
        "needs_translation": "falta traducir",
    },
}


def worded(language: str) -> str:
    """The language whose sentences a language reads: itself if written here, else English."""
    root = language.split("-")[0].lower()
    return root if root in WORDED_LANGUAGES else "en"


def label(language: str, key: str, **values: object) -> str:
    """One fixed label of the report-back's pages in a language."""
    return LABELS[worded(language)][key].format(**values)


def period_words(period: str, language: str) -> str:
    """A reporting period in words: "March 2026", "marzo de 2026", "2026", "the whole survey"."""
    spanish = worded(language) == "es"
    months = MONTHS_ES if spanish else MONTHS_EN
    if period == "all":
        return "toda la encuesta" if spanish else "the whole survey"
    if "-Q" in period:
        first = (int(period[-1]) - 1) * 3
        span = f"{months[first]} {'a' if spanish else 'to'} {months[first + 2]}"
        return f"{span} {'de ' if spanish else ''}{period[:4]}"
    if "-W" in period:
        return f"{'semana' if spanish else 'week'} {int(period[6:])} {'de' if spanish else 'of'} {period[:4]}"
    if len(period) == 7:
        return f"{months[int(period[5:]) - 1]} {'de ' if spanish else ''}{period[:4]}"
    return period


def in_ten(part: int, whole: int, language: str) -> str:
    """A share as people read it: "About 6 in 10", "Fewer than 1 in 10", "More than 9 in 10", "All"."""
    spanish = worded(language) == "es"
    if part == whole:
        return "Todas las personas" if spanish else "All"
    tenths = round(10 * part / whole)
    if tenths == 0:
        return "Menos de 1 de cada 10" if spanish else "Fewer than 1 in 10"
    if tenths == 10:
        return "Más de 9 de cada 10" if spanish else "More than 9 in 10"
    return f"Cerca de {tenths} de cada 10" if spanish else f"About {tenths} in 10"


def number(value: float, language: str) -> str:
    """A mean to one decimal where it has one, with the language's decimal mark."""
    text = f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"
    return text.replace(".", ",") if worded(language) == "es" else text


def measure_name(measure: str, fallback: str, language: str) -> str:
    """A measure's name in the language's words (the rule's own name when not written here)."""
    return MEASURE_NAMES.get(measure, {}).get(worded(language), fallback)


def band_name(band: str, fallback: str, language: str) -> str:
    """A band's name in the language's words (the rule's English label when not written here)."""
    return BAND_NAMES_ES.get(band, fallback) if worded(language) == "es" else fallback


def answer_share(part: int, whole: int, option: str, question: str, language: str) -> str:
    """For example: About 6 in 10 of you answered “Always” to “How often ...?” (412 of 690 people)."""
    if worded(language) == "es":
        return (
            f"{in_ten(part, whole, language)} respondieron «{option}» a «{question}» "
            f"({part} de {whole} personas)."
        )
    share = in_ten(part, whole, language)
    return f"{share} of you answered “{option}” to “{question}” ({part} of {whole} people)."


def answer_count(part: int, option: str, question: str, language: str) -> str:
    """For a pick-any question: 412 of you chose “My health” for “Which parts of your life ...?”."""
    if worded(language) == "es":
        return f"{part} personas eligieron «{option}» en «{question}»."
    return f"{part} of you chose “{option}” for “{question}”."


def mean_sentence(
    mean: float, n: int, name: str, low: float, high: float, better: bool, language: str
) -> str:
    """For example: On average, your well-being (WHO-5) score was 58 on a scale of 0 to 100 (...)."""
    if worded(language) == "es":
        direction = "más alto es mejor" if better else "más bajo es mejor"
        return (
            f"En promedio, la puntuación de {name} fue {number(mean, language)} en una escala de "
            f"{number(low, language)} a {number(high, language)} ({direction}), de {n} personas."
        )
    direction = "higher is better" if better else "lower is better"
    return (
        f"On average, your {name} score was {number(mean, language)} on a scale of {number(low, language)}"
        f" to {number(high, language)} ({direction}), from {n} people."
    )


def band_sentence(part: int, whole: int, name: str, band: str, language: str) -> str:
    """For example: About 3 in 10 of you had a well-being (WHO-5) score in the range “poor (29 to 50)”."""
    if worded(language) == "es":
        return (
            f"{in_ten(part, whole, language)} tuvieron una puntuación de {name} en el rango «{band}» "
            f"({part} de {whole} personas)."
        )
    return (
        f"{in_ten(part, whole, language)} of you had a {name} score in the range “{band}” "
        f"({part} of {whole} people)."
    )
