"""Feedback on one negotiation message, by the tactics it uses; the end-of-session debrief lives in debrief.py."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from .anchor import band_for, judge_anchor, pick_ask
from .debrief import Debrief, TacticResult, debrief, follow_up_email, offer_timeline
from .money import find_amounts
from .signals import read_signals

logger = logging.getLogger(__name__)

__all__ = [
    "Debrief", "MessageFeedback", "TacticResult", "debrief", "follow_up_email", "offer_timeline", "score_message",
]

# Points each tactic adds to (or takes from) a neutral starting score of 45.
_WEIGHTS = {
    "market_research": 12,
    "value_framing": 12,
    "vague_value": 6,
    "specific_evidence": 5,
    "need_framing": -15,
    "ambitious_anchor": 10,
    "justified_anchor": 6,
    "timid_anchor": 0,
    "weak_anchor": -12,
    "stretch_anchor": -3,
    "absurd_anchor": -22,
    "named_number": 4,
    "range_anchor": -4,
    "foreign_currency": -6,
    "accepted_without_counter": -12,
    "asked_question": 5,
    "whole_package": 8,
    "positive_tone": 4,
    "hedging": -7,
    "in_writing": 10,
    "off_script": -10,
    "unprofessional": -35,
    "ultimatum": -12,
    "too_short": -8,
}
_ADVICE = {
    "unprofessional": "Keep the tone courteous: hostility ends negotiations and costs goodwill you'll need later.",
    "absurd_anchor": "Anchor high but credibly: a figure far outside the market band gets dismissed rather than met.",
    "need_framing": "Leave personal costs out; argue from the market rate and the value you bring instead.",
    "weak_anchor": "Your ask is at or below the offer, which leaves money on the table; aim 5-20% above it.",
    "foreign_currency": "Quote UK offers in pounds so the number can't be misread.",
    "ultimatum": "Ultimatums put people on the defensive; state your figure and the reasons for it instead.",
    "accepted_without_counter": "Most first offers have room in them, so counter before accepting.",
    "hedging": "Say your number plainly, without apologising for it.",
    "range_anchor": "A range gets heard at its bottom; give one specific figure.",
    "stretch_anchor": "That's a big jump; make sure the market data for the level supports it.",
    "no_number": "Name a specific figure so the manager has something concrete to respond to.",
    "no_reason": "Back your figure with market research (Glassdoor, levels.fyi) or the results you've delivered.",
    "no_market": "Add a market benchmark for similar roles to make the figure harder to argue with.",
    "no_value": "Tie the ask to your impact: a result you delivered, with a number if you have one.",
    "too_short": "Give a little more: a figure, a reason and a positive close.",
    "timid_anchor": "Your ask is barely above the offer; there's usually room to aim higher.",
    "off_script": "Trying to get the manager to reveal their budget rarely works; make your own case instead.",
    "vague_value": "Make your value concrete: name a result you delivered, ideally with a number.",
}
_PRAISE = {
    "ambitious_anchor": "Good anchor: ambitious but defensible.",
    "market_research": "Grounding the ask in market data makes it credible.",
    "value_framing": "Framing around your impact is exactly right.",
    "whole_package": "Good that you're negotiating the whole package, not just base.",
    "in_writing": "Asking for it in writing is the right way to close.",
}


@dataclass
class MessageFeedback:
    """How one candidate message uses negotiation tactics, with advice and quotes."""

    score: int  # 0..100
    tactics: list[str] = field(default_factory=list)
    feedback: str = ""
    evidence: list[str] = field(default_factory=list)  # verbatim substrings of the message


def _anchor_tactics(message: str, context: dict, tactics: list[str], evidence: list[str]) -> bool:
    offer = context.get("offer")
    mentions = find_amounts(message, reference=offer)
    if any(m.foreign for m in mentions):
        tactics.append("foreign_currency")
        evidence.extend(m.raw for m in mentions if m.foreign)
    ask = pick_ask(message, mentions, (offer,) if offer else ())
    if ask is None or ask.amount is None:
        return False
    if offer and ask.amount == offer:
        return False  # quoting the offer back is not an ask
    band = band_for(context.get("role"), context.get("level"), context.get("location"))
    verdict = judge_anchor(ask.amount, offer, band)
    tactics.append("named_number" if verdict == "unknown" else f"{verdict}_anchor")
    if ask.kind == "range":
        tactics.append("range_anchor")
    evidence.append(ask.raw)
    return True


def score_message(message: str, context: dict | None = None) -> MessageFeedback:
    """Score one negotiation message 0-100 and say which tactics it used."""
    context = context or {}
    text = message or ""
    sig = read_signals(text)
    tactics: list[str] = []
    evidence: list[str] = []

    def found(tactic: str, quote: str | None) -> None:
        if quote:
            tactics.append(tactic)
            evidence.append(quote)

    found("market_research", sig.market)
    found("value_framing" if sig.value_concrete else "vague_value", sig.value)
    found("specific_evidence", sig.metric)
    found("need_framing", sig.need)
    asked = _anchor_tactics(text, context, tactics, evidence)
    if not asked and not sig.levers:
        found("accepted_without_counter", sig.accept if not sig.in_writing else None)
    found("asked_question", sig.questions[0] if sig.questions else None)
    found("whole_package", next(iter(sig.levers.values()), None))
    found("positive_tone", sig.gratitude)
    found("hedging", sig.hedge)
    found("in_writing", sig.in_writing)
    found("unprofessional", sig.hostile)
    found("ultimatum", sig.ultimatum)
    found("off_script", sig.injection)
    if "ambitious_anchor" in tactics and ("market_research" in tactics or "value_framing" in tactics):
        tactics.append("justified_anchor")
    if len(text.split()) < 6:
        tactics.append("too_short")
    score = 45 + sum(_WEIGHTS.get(t, 0) for t in tactics)
    if "need_framing" in tactics and ("market_research" in tactics or "value_framing" in tactics):
        score += 7  # a personal aside hurts less when the case is otherwise sound
    score = max(0, min(100, score))
    feedback = _feedback(tactics, asked)
    logger.debug("scored message: %s -> %d", tactics, score)
    return MessageFeedback(score, tactics, feedback, list(dict.fromkeys(evidence)))


def _feedback(tactics: list[str], asked: bool) -> str:
    problems = [key for key in _ADVICE if key in tactics]
    if not asked and "whole_package" not in tactics and "asked_question" not in tactics:
        problems.append("no_number")
    if asked and "market_research" not in tactics and "value_framing" not in tactics and "vague_value" not in tactics:
        problems.append("no_reason")
    elif asked and "market_research" not in tactics:
        problems.append("no_market")
    elif asked and "value_framing" not in tactics:
        problems.append("no_value")
    praise = [text for key, text in _PRAISE.items() if key in tactics]
    lines = praise[:1] + [_ADVICE[key] for key in problems[:1]]
    if not lines:
        lines = ["Solid message: keep the conversation moving towards a figure you can both sign off."]
    return " ".join(lines)
