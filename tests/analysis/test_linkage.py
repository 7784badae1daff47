"""Matching linkage codes: exact first, then all parts but one, never a guess between candidates."""

from __future__ import annotations

from analysis.linkage import match


def test_exact_matches_pair_their_scores() -> None:
    result = match(
        [(("a", "b", "c"), 40.0), (("x", "y", "z"), 60.0)], [(("x", "y", "z"), 72.0), (("a", "b", "c"), 44.0)]
    )
    assert (result.before, result.after, result.exact) == ([60.0, 40.0], [72.0, 44.0], 2)


def test_one_part_different_still_matches() -> None:
    result = match([(("a", "b", "c"), 40.0)], [(("a", "q", "c"), 52.0)])
    assert (result.before, result.after, result.one_part_different) == ([40.0], [52.0], 1)


def test_two_parts_different_do_not_match() -> None:
    assert match([(("a", "b", "c"), 40.0)], [(("a", "q", "r"), 52.0)]).before == []


def test_several_candidates_are_left_alone() -> None:
    result = match([(("a", "b", "c"), 40.0), (("a", "b", "d"), 48.0)], [(("a", "b", "e"), 60.0)])
    assert (result.before, result.ambiguous) == ([], 1)


def test_an_earlier_response_is_used_once() -> None:
    result = match([(("a", "b", "c"), 40.0)], [(("a", "b", "c"), 44.0), (("a", "b", "x"), 50.0)])
    assert (result.before, result.after) == ([40.0], [44.0])


def test_a_code_given_twice_later_pairs_neither() -> None:
    result = match([(("a", "b", "c"), 40.0)], [(("a", "b", "c"), 80.0), (("a", "b", "c"), 20.0)])
    assert (result.before, result.ambiguous) == ([], 2)


def test_two_later_near_matches_of_one_earlier_pair_neither() -> None:
    result = match([(("a", "b", "c"), 40.0)], [(("a", "b", "x"), 80.0), (("a", "y", "c"), 20.0)])
    assert (result.before, result.ambiguous) == ([], 2)
