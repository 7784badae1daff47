"""Free-text answers for evaluators: masking contact details, shuffling, and which cells may be shown.

Pure functions (no database, no Litestar). ``mask`` replaces phone numbers, e-mail addresses, URLs and
@handles with a bracketed word; it catches patterns, never names, places or stories (docs/analysis.md,
"Free-text answers"). ``showable_cells`` decides, for a whole survey at once, whose answers any view may
show, so that no answer can be traced to a group of fewer than k responses by comparing views.
"""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING, Final, TypeVar

from analysis import periods

if TYPE_CHECKING:
    from collections.abc import Iterable

T = TypeVar("T")
Cell = tuple[str, str]
"""A finest cell: (site, stored period)."""
OTHER_SITES: Final = "Other sites"

PHONE_WORD: Final = "[phone number]"
EMAIL_WORD: Final = "[e-mail address]"
URL_WORD: Final = "[web address]"
HANDLE_WORD: Final = "[handle]"

_URL_END: Final = r"[^\s<>\"'()\[\],;!?.:]"
_SCHEME_URL: Final = re.compile(rf"\b(?:[a-z][a-z0-9+.-]*://|mailto:)[^\s<>\"']*{_URL_END}", re.IGNORECASE)
_EMAIL: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Bare addresses need a known top-level domain, so "e.g." or "end.Then" stay as written.
_TLDS: Final = (
    "com|org|net|edu|gov|info|biz|io|co|me|app|dev|ly|gg|tv|us|uk|ca|au|nz|ie|de|fr|es|it|nl|mx|in|br|"
    "za|ar|cl|pe|pt|ch|se|no|dk|fi|pl|be|at|jp|cn|ru|xyz|online|site|link|social"
)
_BARE_URL: Final = re.compile(
    rf"(?<![\w@.-])(?:www\.[\w-]+(?:\.[\w-]+)*|[\w-]+(?:\.[\w-]+)*\.(?:{_TLDS}))\b(?:[/?#][^\s<>\"']*{_URL_END})?",
    re.IGNORECASE,
)
_HANDLE: Final = re.compile(r"(?<![\w@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
# Digit groups joined by a space, dot or dash, with an optional + and (area code): counted afterwards.
_PHONE: Final = re.compile(r"(?<![\w+(])\+?(?:\(\d{1,5}\)|\d+)(?:[ .\-]{0,2}(?:\(\d{1,5}\)|\d+))*(?!\w)")
_DATE: Final = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}")
PHONE_DIGITS: Final = 7
"""Fewest digits taken as a phone number: a local number without area code ("555-1234") has 7."""


def _phone(match: re.Match[str]) -> str:
    found = match[0]
    if sum(char.isdigit() for char in found) < PHONE_DIGITS or _DATE.fullmatch(found.strip()):
        return found
    return PHONE_WORD


def mask(text: str) -> str:
    """The text with phone numbers, e-mail addresses, URLs and @handles replaced by a bracketed word.

    URLs with a scheme go first (they may hold an @ or digits), then e-mail addresses, then bare web
    addresses (``www.…`` or a known top-level domain), then @handles, then runs of at least seven digits
    (dates such as 2026-03-15 or 15/03/2026 are left). Masking errs towards masking: three years in a row
    ("2019 2020 2021") read as a phone number.
    """
    text = _SCHEME_URL.sub(URL_WORD, text)
    text = _EMAIL.sub(EMAIL_WORD, text)
    text = _BARE_URL.sub(URL_WORD, text)
    text = _HANDLE.sub(HANDLE_WORD, text)
    return _PHONE.sub(_phone, text)


def shuffled(items: Iterable[T], rng: random.Random | None = None) -> list[T]:
    """The items in a random order: a fresh ``SystemRandom`` order unless a generator is given (tests).

    A fresh order per request, from the operating system's generator, says nothing about the order
    answers were stored in, and no seed exists to be guessed.
    """
    listed = list(items)
    (rng or random.SystemRandom()).shuffle(listed)
    return listed


def _views(counts: dict[Cell, int], k: int) -> list[frozenset[Cell]]:
    """Every group of cells some view of the page shows: a period, a site in it, other sites in it."""
    shown: list[frozenset[Cell]] = []
    for period in periods.offered(sorted({stored for _, stored in counts})):
        inside = {cell: n for cell, n in counts.items() if periods.contains(period, cell[1])}
        by_site: dict[str, set[Cell]] = {}
        for cell in inside:
            by_site.setdefault(cell[0], set()).add(cell)
        if sum(inside.values()) >= k:
            shown.append(frozenset(inside))
        pooled: set[Cell] = set()
        for cells in by_site.values():
            if sum(inside[cell] for cell in cells) >= k:
                shown.append(frozenset(cells))
            else:
                pooled |= cells
        if pooled and sum(inside[cell] for cell in pooled) >= k:
            shown.append(frozenset(pooled))
    return shown


def showable_cells(counts: dict[Cell, int], k: int) -> set[Cell]:
    """The cells whose answers any view may show: those that cannot be told apart from k responses.

    A free-text answer is its own key: seen in some views and not in others, it lies in exactly the
    cells that every view showing it holds and no other shown view does. Cells alike in that way form
    a class; a class of fewer than k responses (a quiet month inside a shown quarter, two small sites
    whose pool is below k) keeps its answers out of every view, so comparing periods or sites finds
    nothing. The classes are decided over every view of the survey, whichever one is asked for.

    Args:
        counts: responses per (site, stored period), every response of the survey.
        k: the smallest group shown.

    Returns:
        The cells whose answers may be shown, in any view that holds them.
    """
    views = _views(counts, k)
    classes: dict[frozenset[int], list[Cell]] = {}
    for cell in counts:
        signature = frozenset(index for index, view in enumerate(views) if cell in view)
        if signature:
            classes.setdefault(signature, []).append(cell)
    return {cell for cells in classes.values() if sum(counts[cell] for cell in cells) >= k for cell in cells}


def site_groups(counts: dict[Cell, int], period: str, k: int) -> tuple[dict[str, str], bool]:
    """How a period's sites are shown when split by site: under their name, or pooled as other sites.

    Returns:
        The group each shown site's answers go under, and whether some sites are left out (their
        pool has fewer than k responses).
    """
    per_site: dict[str, int] = {}
    for (site, stored), n in counts.items():
        if periods.contains(period, stored):
            per_site[site] = per_site.get(site, 0) + n
    small = [site for site, n in per_site.items() if n < k]
    groups = {site: site for site, n in per_site.items() if n >= k}
    pooled = sum(per_site[site] for site in small) >= k
    groups |= dict.fromkeys(small, OTHER_SITES) if pooled else {}
    return groups, bool(small) and not pooled
