"""Salary negotiation practice: money parsing, scenarios, the offline hiring manager and scoring (no Flask)."""
from __future__ import annotations

from .counterpart import CounterpartReply, OfflineCounterpart, accept
from .guard import enforce_limits, redact_brief
from .money import MoneyMention, find_amounts, parse_money
from .scenario import Lever, Scenario, build_scenario
from .scoring import Debrief, MessageFeedback, TacticResult, debrief, follow_up_email, offer_timeline, score_message
from .state import NegotiationState

__all__ = [
    "CounterpartReply", "Debrief", "Lever", "MessageFeedback", "MoneyMention", "NegotiationState",
    "OfflineCounterpart", "Scenario", "TacticResult", "accept", "build_scenario", "debrief", "enforce_limits",
    "find_amounts", "follow_up_email", "offer_timeline", "parse_money", "redact_brief", "score_message",
]
