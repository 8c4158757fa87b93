"""Loads the Jinja prompt files under prompts/ and renders them, tagging each text with the template's hash."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

logger = logging.getLogger(__name__)

DEFAULT_PROMPT_DIR = Path(__file__).resolve().parents[3] / "prompts"


@dataclass(frozen=True)
class RenderedPrompt:
    """A rendered prompt and the identity of the template that produced it."""

    name: str
    hash: str  # first 12 hex digits of the sha256 of the template source
    text: str

    @property
    def version(self) -> str:
        return f"{self.name}@{self.hash}"


def combine(*parts: RenderedPrompt, separator: str = "\n\n") -> RenderedPrompt:
    """Join several rendered prompts into one, with a name and hash that identify all of them."""
    name = "+".join(p.name.removesuffix(".j2") for p in parts)
    digest = hashlib.sha256("+".join(p.hash for p in parts).encode()).hexdigest()[:12]
    return RenderedPrompt(name, digest, separator.join(p.text.strip() for p in parts))


class PromptLibrary:
    """The prompt templates of one directory; a missing variable is an error, never an empty string."""

    def __init__(self, directory: Path | str = DEFAULT_PROMPT_DIR) -> None:
        self.directory = Path(directory)
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.directory)),
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # plain-text prompts, not HTML
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def source(self, name: str) -> str:
        source, _filename, _uptodate = self._env.loader.get_source(self._env, name)  # type: ignore[union-attr]
        return source

    def hash(self, name: str) -> str:
        """First 12 hex digits of the sha256 of the template's source."""
        return hashlib.sha256(self.source(name).encode("utf-8")).hexdigest()[:12]

    def variables(self, name: str) -> set[str]:
        """The variables a template reads from its caller."""
        return meta.find_undeclared_variables(self._env.parse(self.source(name)))

    def names(self) -> list[str]:
        return sorted(n for n in self._env.list_templates() if n.endswith(".j2"))

    def render(self, name: str, /, **variables: Any) -> RenderedPrompt:
        """Render a template; raises jinja2.UndefinedError when a variable it uses was not given."""
        text = self._env.get_template(name).render(**variables)
        return RenderedPrompt(name=name, hash=self.hash(name), text=text.strip() + "\n")
