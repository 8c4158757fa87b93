"""Where a negotiation stands: the current offer, its history and how the conversation is going."""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field

from .scenario import Scenario

logger = logging.getLogger(__name__)


@dataclass
class NegotiationState:
    """The live offer and the record of how it got there; stored as a plain dict between requests."""

    base: int
    levers: dict[str, int]
    base_history: list[int] = field(default_factory=list)  # the base offer after each round, opening first
    rounds: int = 0
    concessions: list[dict] = field(default_factory=list)  # {"round", "what", "before", "after", "reason"}
    base_moves_used: int = 0
    last_step: int | None = None
    warnings: int = 0
    walked_away: bool = False
    agreed: bool = False
    trade_offered: list[str] = field(default_factory=list)  # lever ids the manager offered instead of base

    @classmethod
    def start(cls, scenario: Scenario) -> NegotiationState:
        """The state when the opening offer has just been made."""
        return cls(base=scenario.opening_base, levers=scenario.opening_levers, base_history=[scenario.opening_base])

    @property
    def finished(self) -> bool:
        """The deal is agreed or the manager has walked away."""
        return self.agreed or self.walked_away

    def to_dict(self) -> dict:
        """Plain data for storage."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> NegotiationState:
        """Rebuild a stored state."""
        return cls(**data)
