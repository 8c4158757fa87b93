"""Salary figures as a guide shows them: formatted bands, bar geometry and the estimator's answer."""
from __future__ import annotations

from dataclasses import dataclass

from webapp.salaries import LEVEL_LABELS, LEVELS, Band, Role

LOCATIONS = ("uk", "london")
LOCATION_LABELS = {"uk": "Rest of UK", "london": "London"}
DEFAULT_LEVEL = "mid"
DEFAULT_LOCATION = "uk"


def gbp(amount: int) -> str:
    """£42,000"""
    return f"£{amount:,}"


def band_text(band: Band, open_ended: bool = False) -> str:
    """£42,000–£65,000, with a trailing + when the source gives no ceiling."""
    return f"{gbp(band.low)}–{gbp(band.high)}{'+' if open_ended else ''}"


def premium_text(role: Role) -> str | None:
    """15–25%, or None when the source gives no London percentage."""
    if role.london_premium_pct is None:
        return None
    low, high = role.london_premium_pct
    return f"{low}%" if low == high else f"{low}–{high}%"


@dataclass(frozen=True)
class BandRow:
    level: str
    label: str
    years: str
    text: str
    london_text: str | None
    # Bar geometry in percent of the chart width (SVG rect attributes, so no inline styles).
    x: float
    width: float
    london_x: float | None
    london_width: float | None


def band_rows(role: Role) -> list[BandRow]:
    """One row per level, with bars scaled to the highest figure on the chart."""
    has_london = role.london_premium_pct is not None
    top = max(role.band(level, london=has_london).high for level in LEVELS)
    rows = []
    for level in LEVELS:
        open_ended = level == "senior" and role.senior_open_ended
        base = role.band(level)
        london = role.band(level, london=True) if has_london else None
        rows.append(
            BandRow(
                level=level,
                label=LEVEL_LABELS[level],
                years=_years(role, level),
                text=band_text(base, open_ended),
                london_text=band_text(london, open_ended) if london else None,
                x=_pct(base.low, top),
                width=_pct(base.high - base.low, top),
                london_x=_pct(london.low, top) if london else None,
                london_width=_pct(london.high - london.low, top) if london else None,
            )
        )
    return rows


def _pct(amount: int, top: int) -> float:
    return round(amount * 100 / top, 2)


def _years(role: Role, level: str) -> str:
    return role.level_years.get(level, "").replace("-", "–")


@dataclass(frozen=True)
class Estimate:
    level: str
    location: str
    level_label: str
    years: str
    location_label: str
    text: str


def locations_for(role: Role) -> tuple[str, ...]:
    """Locations the estimator offers: London only when the source gives a London premium."""
    return LOCATIONS if role.london_premium_pct is not None else ("uk",)


def estimate(role: Role, level: str, location: str) -> Estimate:
    """The range for a level and location (ValueError for a level or location the role doesn't offer)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    if location not in locations_for(role):
        raise ValueError(f"location {location!r} not available for {role.slug}")
    band = role.band(level, london=location == "london")
    return Estimate(
        level=level,
        location=location,
        level_label=LEVEL_LABELS[level],
        years=_years(role, level),
        location_label=LOCATION_LABELS[location],
        text=band_text(band, level == "senior" and role.senior_open_ended),
    )
