"""Building reproducible negotiation scenarios from salary data."""
from __future__ import annotations

import itertools
from statistics import mean

import pytest

from webapp.practice.negotiation.scenario import DIFFICULTIES, LEVER_IDS, Scenario, build_scenario
from webapp.salaries import get_role, negotiation_roles

COMBOS = list(itertools.product(
    [r.slug for r in negotiation_roles()], ("junior", "mid", "senior"), ("london", "uk"), DIFFICULTIES))


def test_same_seed_same_scenario() -> None:
    first = build_scenario("backend-developer", "mid", "london", "standard", 42)
    again = build_scenario("backend-developer", "mid", "london", "standard", 42)
    assert first == again
    assert first.brief_text() == again.brief_text()


def test_different_seeds_vary() -> None:
    scenarios = [build_scenario("backend-developer", "mid", "uk", "standard", seed) for seed in range(20)]
    assert len({s.opening_base for s in scenarios}) > 1
    assert len({tuple(sorted(k for k, lv in s.levers.items() if lv.negotiable)) for s in scenarios}) > 1


def test_round_trip_through_dict() -> None:
    scenario = build_scenario("software-engineer", "senior", "london", "hard", 7)
    data = scenario.to_dict()
    assert isinstance(data["levers"]["signing_bonus"], dict)
    assert Scenario.from_dict(data) == scenario


@pytest.mark.parametrize("role, level, location, difficulty", COMBOS)
def test_offer_and_ceiling_sit_inside_the_band(role: str, level: str, location: str, difficulty: str) -> None:
    band = get_role(role).band(level, london=location == "london")
    for seed in range(5):
        s = build_scenario(role, level, location, difficulty, seed)
        assert (s.band_low, s.band_high) == (band.low, band.high)
        assert band.low <= s.opening_base < band.midpoint
        assert s.opening_base < s.ceiling <= band.high
        assert s.opening_base % 500 == 0 and s.ceiling % 500 == 0
        assert set(s.levers) == set(LEVER_IDS)
        for lever in s.levers.values():
            assert lever.best >= lever.current


def test_london_uses_the_london_band() -> None:
    london = build_scenario("backend-developer", "mid", "london", "standard", 1)
    uk = build_scenario("backend-developer", "mid", "uk", "standard", 1)
    assert london.band_high > uk.band_high and london.band_low > uk.band_low


def test_difficulty_orders_ceiling_and_levers_on_average() -> None:
    def room(difficulty: str) -> tuple[float, float]:
        shares, levers = [], []
        for seed in range(60):
            s = build_scenario("backend-developer", "mid", "uk", difficulty, seed)
            shares.append((s.ceiling - s.band.midpoint) / (s.band_high - s.band.midpoint))
            levers.append(sum(lv.negotiable for lv in s.levers.values()))
        return mean(shares), mean(levers)

    easy, standard, hard = room("easy"), room("standard"), room("hard")
    assert easy[0] > standard[0] > hard[0]
    assert easy[1] > standard[1] > hard[1]


def test_public_offer_hides_the_ceiling_and_limits() -> None:
    s = build_scenario("backend-developer", "mid", "london", "standard", 3)
    text = s.public_offer_text()
    assert f"£{s.opening_base:,}" in text
    assert s.role_name in text and "London" in text and "Mid-level" in text
    assert f"{s.ceiling:,}" not in text and str(s.ceiling) not in text
    for lever in s.levers.values():
        if lever.negotiable and lever.unit.startswith("£"):
            assert f"£{lever.best:,}" not in text


def test_brief_holds_what_the_manager_needs() -> None:
    s = build_scenario("backend-developer", "mid", "uk", "easy", 3)
    brief = s.brief_text()
    assert f"£{s.ceiling:,}" in brief and f"£{s.opening_base:,}" in brief
    assert s.manager_name in brief and s.company_name in brief
    assert "never reveal" in brief.lower()


@pytest.mark.parametrize(
    "args",
    [
        ("frontend-developer", "mid", "uk", "standard"),
        ("data-scientist", "mid", "uk", "standard"),
        ("no-such-role", "mid", "uk", "standard"),
        ("backend-developer", "principal", "uk", "standard"),
        ("backend-developer", "mid", "paris", "standard"),
        ("backend-developer", "mid", "uk", "brutal"),
    ],
)
def test_bad_choices_raise(args: tuple[str, str, str, str]) -> None:
    with pytest.raises(ValueError):
        build_scenario(*args, seed=1)
