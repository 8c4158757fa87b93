"""The written content of each salary guide, loaded once from webapp/data/guides/<slug>.toml."""
from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from webapp.salaries import Role, guide_roles

logger = logging.getLogger(__name__)

CONTENT_DIR = Path(__file__).resolve().parent.parent / "data" / "guides"


@dataclass(frozen=True)
class Lever:
    name: str
    worth: str
    detail: str


@dataclass(frozen=True)
class Tactic:
    title: str
    text: str


@dataclass(frozen=True)
class Question:
    question: str
    answer: str


@dataclass(frozen=True)
class GuideContent:
    headline: str
    description: str
    summary: str
    about: tuple[str, ...]
    bands_context: str
    levers: tuple[Lever, ...]
    career_path: tuple[str, ...]
    career_text: str
    tip: str
    playbook: tuple[Tactic, ...]
    interview_prep: tuple[str, ...]
    faq: tuple[Question, ...]


@dataclass(frozen=True)
class Guide:
    role: Role
    content: GuideContent

    @property
    def slug(self) -> str:
        return self.role.slug


def parse_content(raw: dict) -> GuideContent:
    """Build guide content from a parsed TOML document (KeyError if a section is missing)."""
    return GuideContent(
        headline=raw["headline"],
        description=raw["description"],
        summary=raw["summary"],
        about=tuple(raw["about"]),
        bands_context=raw["bands_context"],
        levers=tuple(Lever(x["name"], x["worth"], x["detail"]) for x in raw["levers"]),
        career_path=tuple(raw["career_path"]),
        career_text=raw["career_text"],
        tip=raw["tip"],
        playbook=tuple(Tactic(x["title"], x["text"]) for x in raw["playbook"]),
        interview_prep=tuple(raw["interview_prep"]),
        faq=tuple(Question(x["question"], x["answer"]) for x in raw["faq"]),
    )


@cache
def all_guides() -> tuple[Guide, ...]:
    """Every published guide: a role with all three bands and a content file, in data-file order."""
    guides = []
    for role in guide_roles():
        path = CONTENT_DIR / f"{role.slug}.toml"
        if not path.exists():
            logger.warning("role %s has complete salary data but no guide content at %s", role.slug, path)
            continue
        with path.open("rb") as fh:
            guides.append(Guide(role, parse_content(tomllib.load(fh))))
    return tuple(guides)


def get_guide(slug: str) -> Guide | None:
    """The published guide for a role slug, or None."""
    return next((g for g in all_guides() if g.slug == slug), None)
