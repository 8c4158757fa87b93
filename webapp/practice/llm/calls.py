"""The metadata kept for every LLM call, so a stored score or reply can be traced to its prompt."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class CallRecord:
    """One request to the model: which prompt, which model, what it cost and how it ended."""

    purpose: str  # "interviewer" | "scoring" | "report" | "negotiation" ...
    prompt_name: str
    prompt_hash: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    duration_ms: int = 0
    ok: bool = True
    error_kind: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
