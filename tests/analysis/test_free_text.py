"""Masking, shuffling and which cells' free-text answers may show, as pure functions."""

from __future__ import annotations

import random

import pytest

from analysis.free_text import (
    EMAIL_WORD,
    HANDLE_WORD,
    OTHER_SITES,
    PHONE_WORD,
    URL_WORD,
    mask,
    showable_cells,
    shuffled,
    site_groups,
)

K = 11


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("call me on 555 123 4567 please", f"call me on {PHONE_WORD} please"),
        ("(555) 123-4567.", f"{PHONE_WORD}."),
        ("my number is +44 20 7946 0958", f"my number is {PHONE_WORD}"),
        ("+44 (0)20 7946 0958", PHONE_WORD),
        ("text 07700 900123 after 6", f"text {PHONE_WORD} after 6"),
        ("ring 555-1234", f"ring {PHONE_WORD}"),
        ("hotline 1-800-484-3731!", f"hotline {PHONE_WORD}!"),
        ("+1.212.555.0199", PHONE_WORD),
        ("0044 20 7946 0958", PHONE_WORD),
        ("+52 55 1234 5678", PHONE_WORD),
        ("write to sam+shelter@example.co.uk!", f"write to {EMAIL_WORD}!"),
        ("River.Jones@mail.example.com", EMAIL_WORD),
        ("see https://example.org/path?x=1.", f"see {URL_WORD}."),
        ("http://192.168.0.1:8080/page", URL_WORD),
        ("www.example.org is good", f"{URL_WORD} is good"),
        ("go to example.org/help, then", f"go to {URL_WORD}, then"),
        ("find us at harm-reduction.ca", f"find us at {URL_WORD}"),
        ("https://mastodon.social/@river", URL_WORD),
        ("insta @sam.k and @river_22", f"insta {HANDLE_WORD} and {HANDLE_WORD}"),
    ],
)
def test_contact_details_are_masked(written: str, expected: str) -> None:
    assert mask(written) == expected


@pytest.mark.parametrize(
    "written",
    [
        "on 2026-03-15 I had 20 mg",
        "born 15/03/1990, I am 34",
        "e.g. the staff. end.Then more",
        "3 nights at 12 Main St, room 101",
        "it cost $1,000,000 they said",
        "open 9.30 to 17.00",
    ],
)
def test_dates_doses_and_sentences_are_left_as_written(written: str) -> None:
    assert mask(written) == written


def test_a_shuffle_is_a_permutation_in_another_order() -> None:
    stored = [f"answer {n:02d}" for n in range(30)]
    mixed = shuffled(stored, random.Random(7))  # noqa: S311 (a seeded order, for the test)
    assert sorted(mixed) == stored
    assert mixed != stored
    assert shuffled(stored, random.Random(7))  # noqa: S311 (a seeded order, for the test) == mixed, "a seeded generator repeats (for tests only)"


def test_without_a_generator_each_shuffle_is_fresh() -> None:
    stored = list(range(30))
    assert len({tuple(shuffled(stored)) for _ in range(5)}) > 1


def test_a_quiet_month_inside_a_shown_quarter_is_kept_out_of_every_view() -> None:
    counts = {("East", "2026-01"): 20, ("East", "2026-02"): 15, ("East", "2026-03"): 4}
    assert showable_cells(counts, K) == {("East", "2026-01"), ("East", "2026-02")}


def test_two_quiet_months_together_reach_k_and_show() -> None:
    counts = {("East", "2026-01"): 20, ("East", "2026-02"): 6, ("East", "2026-03"): 6}
    assert showable_cells(counts, K) == set(counts)


def test_small_sites_whose_pool_is_below_k_are_kept_out_even_of_all_sites() -> None:
    counts = {("East", "2026-01"): 30, ("Harbour", "2026-01"): 4, ("River", "2026-01"): 3}
    assert showable_cells(counts, K) == {("East", "2026-01")}
    groups, left_out = site_groups(counts, "2026-01", K)
    assert (groups, left_out) == ({"East": "East"}, True)


def test_small_sites_whose_pool_reaches_k_show_as_other_sites() -> None:
    counts = {("East", "2026-01"): 30, ("Harbour", "2026-01"): 6, ("River", "2026-01"): 6}
    assert showable_cells(counts, K) == set(counts)
    groups, left_out = site_groups(counts, "all", K)
    assert groups == {"East": "East", "Harbour": OTHER_SITES, "River": OTHER_SITES}
    assert not left_out
