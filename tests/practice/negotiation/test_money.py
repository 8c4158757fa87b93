"""Parsing salary amounts the way candidates write them."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.practice.negotiation.money import find_amounts, parse_money


@pytest.mark.parametrize(
    "text, amount",
    [
        ("£55k", 55000),
        ("55k", 55000),
        ("55K", 55000),
        ("55,000", 55000),
        ("£55,000.00", 55000),
        ("£55.5k", 55500),
        ("55 grand", 55000),
        ("fifty-five thousand", 55000),
        ("sixty thousand pounds", 60000),
        ("one hundred and five thousand", 105000),
        ("£1.2m", 1_200_000),
        ("£ 58k", 58000),
    ],
)
def test_absolute_formats(text: str, amount: int) -> None:
    found = parse_money(text)
    assert found is not None
    assert (found.amount, found.kind, found.currency, found.foreign) == (amount, "absolute", "GBP", False)
    assert text[found.span[0]:found.span[1]] == found.raw


@pytest.mark.parametrize(
    "text, low, high",
    [
        ("55–60k", 55000, 60000),
        ("55-60k", 55000, 60000),
        ("£55k to £60k", 55000, 60000),
        ("£55,000 - £60,000", 55000, 60000),
        ("between 55 and 60 thousand", 55000, 60000),
        ("between fifty and sixty thousand", 50000, 60000),
    ],
)
def test_ranges_anchor_at_the_bottom(text: str, low: int, high: int) -> None:
    found = parse_money(f"I'm looking for {text} for this role")
    assert found is not None
    assert (found.kind, found.amount, found.range_high) == ("range", low, high)
    assert "bottom" in found.note


@pytest.mark.parametrize("text, pct", [("10% more", 10), ("a 10% increase", 10), ("5 percent above", 5),
                                       ("an extra 8 per cent", 8)])
def test_percentages_relative_to_reference(text: str, pct: float) -> None:
    found = parse_money(text, reference=50000)
    assert found is not None
    assert (found.kind, found.percent) == ("percent", pct)
    assert found.amount == round(50000 * (1 + pct / 100))


def test_percentage_without_reference_has_no_amount() -> None:
    found = parse_money("a 10% increase")
    assert found is not None and found.kind == "percent" and found.amount is None and found.note


def test_percentage_below_is_below() -> None:
    found = parse_money("that's 10% less than I earn", reference=50000)
    assert found is not None and found.amount == 45000


@pytest.mark.parametrize(
    "text, currency, amount",
    [("$70k", "USD", 70000), ("€60,000", "EUR", 60000), ("70k USD", "USD", 70000), ("EUR 60,000", "EUR", 60000),
     ("65,000 euros", "EUR", 65000), ("US$80k", "USD", 80000)],
)
def test_foreign_currencies_are_flagged_not_converted(text: str, currency: str, amount: int) -> None:
    found = parse_money(text)
    assert found is not None
    assert (found.currency, found.foreign, found.amount) == (currency, True, amount)
    assert "not converted" in found.note


def test_pounds_words_are_not_foreign() -> None:
    found = parse_money("60,000 pounds")
    assert found is not None and found.currency == "GBP" and not found.foreign


@pytest.mark.parametrize(
    "text",
    ["I joined in 2019", "I can start in 3 days", "I have 5 years of experience", "between 2019 and 2021",
     "we served 10k users", "it took 2 weeks", "55", "I'd like to discuss the offer"],
)
def test_non_salary_numbers_are_ignored(text: str) -> None:
    assert find_amounts(text) == []


@pytest.mark.parametrize("text", ["55 would work for me", "Could we meet at 55?", "I'm looking for 58",
                                  "58 works", "Could you do 57 on base?"])
def test_bare_numbers_in_salary_wording_are_thousands(text: str) -> None:
    found = parse_money(text)
    assert found is not None and found.amount in (55000, 57000, 58000)
    assert found.note


def test_bare_number_far_from_reference_is_ignored() -> None:
    assert find_amounts("at 300", reference=50000) == []


def test_whole_message_finds_every_amount_in_order() -> None:
    text = "You offered £52,000. Research says 58-62k, so I'd like £60k plus a £3,000 signing bonus."
    found = find_amounts(text)
    assert [(m.kind, m.amount) for m in found] == [
        ("absolute", 52000), ("range", 58000), ("absolute", 60000), ("absolute", 3000)]
    for mention in found:
        assert text[mention.span[0]:mention.span[1]] == mention.raw


@given(st.integers(1000, 500_000))
def test_comma_format_round_trips(amount: int) -> None:
    found = parse_money(f"£{amount:,}")
    assert found is not None and found.amount == amount


@given(st.integers(1, 500))
def test_k_format_round_trips(thousands: int) -> None:
    found = parse_money(f"{thousands}k")
    assert found is not None and found.amount == thousands * 1000


@given(st.integers(10, 5000).map(lambda hundreds: hundreds * 100))
def test_decimal_k_format_round_trips(amount: int) -> None:
    found = parse_money(f"£{amount / 1000:.1f}k")
    assert found is not None and found.amount == amount


@given(st.text(max_size=200), st.one_of(st.none(), st.integers(1, 500_000)))
def test_random_text_never_crashes(text: str, reference: int | None) -> None:
    for mention in find_amounts(text, reference):
        assert text[mention.span[0]:mention.span[1]] == mention.raw
        assert mention.kind in ("absolute", "range", "percent")


@given(st.integers(20, 200), st.integers(1, 30))
def test_any_range_yields_its_bottom(low: int, gap: int) -> None:
    found = parse_money(f"{low}-{low + gap}k")
    assert found is not None and found.kind == "range"
    assert (found.amount, found.range_high) == (low * 1000, (low + gap) * 1000)


@given(st.sampled_from(["$", "€"]), st.integers(1, 500))
def test_any_foreign_symbol_is_flagged(symbol: str, thousands: int) -> None:
    found = parse_money(f"{symbol}{thousands}k")
    assert found is not None and found.foreign and found.currency != "GBP"
