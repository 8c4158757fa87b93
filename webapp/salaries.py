"""UK salary bands by role and level, loaded once from webapp/data/salaries.json."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "salaries.json"
LEVELS = ("junior", "mid", "senior")
LEVEL_LABELS = {"junior": "Junior", "mid": "Mid-level", "senior": "Senior"}


@dataclass(frozen=True)
class Band:
    low: int
    high: int

    @property
    def midpoint(self) -> int:
        return (self.low + self.high) // 2


@dataclass(frozen=True)
class Role:
    slug: str
    name: str
    currency: str
    bands: dict[str, Band | None]
    london_premium_pct: tuple[int, int] | None
    london_premium_text: str
    senior_open_ended: bool
    source: str
    source_url: str | None
    source_date: str
    notes: str
    level_years: dict[str, str]

    @property
    def has_all_bands(self) -> bool:
        """Every level has a low and a high figure."""
        return all(self.bands.get(level) is not None for level in LEVELS)

    @property
    def negotiable(self) -> bool:
        """Complete enough to ground a negotiation: all bands and a London premium."""
        return self.has_all_bands and self.london_premium_pct is not None

    def band(self, level: str, london: bool = False) -> Band:
        """The band for a level; in London, raised by the low and high ends of the premium."""
        base = self.bands[level]
        if base is None:
            raise KeyError(f"{self.slug} has no {level} band")
        if not london:
            return base
        if self.london_premium_pct is None:
            raise KeyError(f"{self.slug} has no London premium")
        lo_pct, hi_pct = self.london_premium_pct
        return Band(_round_500(base.low * (100 + lo_pct) / 100), _round_500(base.high * (100 + hi_pct) / 100))


def _round_500(amount: float) -> int:
    return int(round(amount / 500.0) * 500)


def _band(raw: list | None) -> Band | None:
    if not raw or raw[0] is None or raw[1] is None:
        return None
    return Band(int(raw[0]), int(raw[1]))


@cache
def all_roles() -> tuple[Role, ...]:
    """Every role in the data file, complete or not."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    roles = []
    for row in data["roles"]:
        pct = row.get("london_premium_pct")
        roles.append(
            Role(
                slug=row["slug"],
                name=row["role"],
                currency=row.get("currency", "GBP"),
                bands={level: _band(row.get(level)) for level in LEVELS},
                london_premium_pct=tuple(pct) if pct else None,
                london_premium_text=row.get("london_premium") or "",
                senior_open_ended=bool(row.get("senior_open_ended")),
                source=row.get("source") or row.get("source_url") or "",
                source_url=row.get("source_url"),
                source_date=row.get("source_date") or "",
                notes=row.get("notes") or "",
                level_years=data.get("levels", {}),
            )
        )
    return tuple(roles)


def guide_roles() -> list[Role]:
    """Roles with a band for every level: these get a public salary guide."""
    return [r for r in all_roles() if r.has_all_bands]


def negotiation_roles() -> list[Role]:
    """Roles complete enough to negotiate against."""
    return [r for r in all_roles() if r.negotiable]


def get_role(slug: str) -> Role | None:
    return next((r for r in all_roles() if r.slug == slug), None)
