"""Matching linked responses across two periods by their linkage codes (stored as one HMAC per part).

A pair is an exact match of every part, or, failing that, a match of all parts but one (people misremember
or mistype a part). A response is used in at most one pair, and a response with several equally good
candidates is left unmatched rather than guessed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from collections.abc import Sequence

Code = tuple[str, ...]


class Matched(msgspec.Struct, frozen=True):
    """Scores paired before/after, and how the pairs were found."""

    before: list[float]
    after: list[float]
    exact: int
    one_part_different: int
    ambiguous: int


def _masked(code: Code, position: int) -> Code:
    return (*code[:position], "*", *code[position + 1 :])


def match(before: Sequence[tuple[Code, float]], after: Sequence[tuple[Code, float]]) -> Matched:
    """Pair each later response with one earlier response holding the same code (or all parts but one).

    Args:
        before: (linkage code, score) of each earlier response that has a code.
        after: the same for the later period.
    """
    exact_index: dict[Code, list[int]] = defaultdict(list)
    near_index: dict[Code, list[int]] = defaultdict(list)
    for index, (code, _) in enumerate(before):
        exact_index[code].append(index)
        for position in range(len(code)):
            near_index[_masked(code, position)].append(index)
    used: set[int] = set()
    pairs: list[tuple[float, float]] = []
    exact = near = ambiguous = 0
    waiting = []
    # A code given by several later responses cannot say which of them is the earlier one's: none pairs.
    later_counts: dict[Code, int] = defaultdict(int)
    for code, _ in after:
        later_counts[code] += 1
    for code, score in after:
        if later_counts[code] > 1:
            ambiguous += 1
            continue
        candidates = [i for i in exact_index.get(code, []) if i not in used]
        if len(candidates) == 1:
            used.add(candidates[0])
            pairs.append((before[candidates[0]][1], score))
            exact += 1
        elif candidates:
            ambiguous += 1
        else:
            waiting.append((code, score))
    near_choices: dict[int, list[tuple[Code, float]]] = defaultdict(list)
    for code, score in waiting:
        found = {i for p in range(len(code)) for i in near_index.get(_masked(code, p), []) if i not in used}
        found = {i for i in found if len(before[i][0]) == len(code)}
        if len(found) == 1:
            near_choices[found.pop()].append((code, score))
        elif found:
            ambiguous += 1
    for chosen, wanting in sorted(near_choices.items()):
        if len(wanting) > 1:  # two later responses each one part away from the same earlier one
            ambiguous += len(wanting)
            continue
        used.add(chosen)
        pairs.append((before[chosen][1], wanting[0][1]))
        near += 1
    return Matched([b for b, _ in pairs], [a for _, a in pairs], exact, near, ambiguous)
