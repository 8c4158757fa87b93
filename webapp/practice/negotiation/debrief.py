"""The end-of-session debrief: how much of the available room was won, and which tactics were used."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from .anchor import judge_anchor, pick_ask
from .money import find_amounts, format_gbp
from .scenario import Scenario
from .signals import read_signals, sentences
from .state import NegotiationState

logger = logging.getLogger(__name__)

CANDIDATE_SPEAKERS = ("candidate", "user", "you", "me")

_TACTICS = {
    "research": ("Did research and named a market-based number",
                 "Look up the role on Glassdoor or levels.fyi and quote a figure from that research."),
    "anchor": ("Anchored ambitiously but credibly",
               "Open with one specific figure roughly 5-20% above the offer, within the market band."),
    "countered": ("Countered rather than accepting the first offer",
                  "First offers usually have room in them; make a counter before you accept."),
    "value": ("Framed around value, not need",
              "Talk about the results you've delivered and the skills you bring, not your personal costs."),
    "questions": ("Asked questions and listened",
                  "Ask about the package and where there's flexibility; the answers show you where to push."),
    "package": ("Negotiated the whole package",
                "When base is stuck, ask about a signing bonus, remote days, holiday, training or an early review."),
    "professional": ("Stayed professional",
                     "Keep the tone courteous throughout, even when you're disappointed."),
    "in_writing": ("Closed by asking for it in writing",
                   "Finish by asking for the agreed terms in a written offer or email."),
}


@dataclass
class TacticResult:
    """One playbook tactic: whether the candidate used it, the words that show it, and advice."""

    id: str
    label: str
    achieved: bool
    evidence: str | None
    advice: str


@dataclass
class Debrief:
    """The outcome of one negotiation and what to practise next."""

    outcome_share: float  # share of the room between opening offer and ceiling that was won, 0..1
    opening: int
    final: int
    ceiling: int
    agreed: bool
    walked_away: bool
    final_levers: dict[str, int]
    package_lines: list[str] = field(default_factory=list)  # improvements beyond the standard package
    package_gain: int = 0  # rough £ a year the lever improvements are worth
    tactics: list[TacticResult] = field(default_factory=list)
    timeline: list[int] = field(default_factory=list)
    summary: str = ""

    @property
    def achieved_count(self) -> int:
        """How many playbook tactics were used."""
        return sum(t.achieved for t in self.tactics)


def outcome_share(opening: int, ceiling: int, final: int, walked_away: bool = False) -> float:
    """(final - opening) / (ceiling - opening), clamped to 0..1; 0 when there was no room or the talk failed."""
    if walked_away or ceiling <= opening:
        return 0.0
    return max(0.0, min(1.0, (final - opening) / (ceiling - opening)))


def offer_timeline(state: NegotiationState) -> list[int]:
    """The base offer after each round, starting with the opening offer."""
    return list(state.base_history)


def _candidate_messages(transcript: list[tuple[str, str]]) -> list[str]:
    return [text for speaker, text in transcript if speaker.lower() in CANDIDATE_SPEAKERS and text]


def _tactic_results(scenario: Scenario, messages: list[str]) -> list[TacticResult]:
    found: dict[str, str | None] = {}
    failed: dict[str, str] = {}
    opening = scenario.opening_base
    first_ask_seen = False
    for text in messages:
        sig = read_signals(text)
        mentions = find_amounts(text, reference=opening)
        ask = pick_ask(text, mentions, (opening,))
        if sig.market and any(m.amount and not m.foreign for m in mentions):
            found.setdefault("research", sig.market)
        if ask and ask.amount and not first_ask_seen:
            first_ask_seen = True
            verdict = judge_anchor(ask.amount, opening, scenario.band)
            if verdict == "ambitious":
                found.setdefault("anchor", _sentence_of(text, ask.raw))
            else:
                failed["anchor"] = _sentence_of(text, ask.raw)
        if (ask and ask.amount and ask.amount > opening) or sig.levers:
            found.setdefault("countered", _sentence_of(text, ask.raw) if ask else next(iter(sig.levers.values())))
        if sig.value:
            found.setdefault("value", sig.value)
        if sig.need:
            failed.setdefault("value", sig.need)
        if sig.questions:
            found.setdefault("questions", sig.questions[0])
        if sig.levers:
            found.setdefault("package", next(iter(sig.levers.values())))
        if sig.hostile:
            failed.setdefault("professional", sig.hostile)
        if sig.in_writing:
            found.setdefault("in_writing", sig.in_writing)
    if messages and "professional" not in failed:
        found["professional"] = None
    results = []
    for key, (label, advice) in _TACTICS.items():
        achieved = key in found and key not in failed
        evidence = failed.get(key) if key in failed else found.get(key)
        results.append(TacticResult(key, label, achieved, evidence, advice))
    return results


def _sentence_of(text: str, raw: str) -> str:
    index = text.find(raw)
    for start, end in sentences(text):
        if start <= index < end:
            return text[start:end]
    return raw


def debrief(scenario: Scenario, state: NegotiationState, transcript: list[tuple[str, str]]) -> Debrief:
    """Summarise the negotiation: the share of the available room won, the final package and the tactics used."""
    final = state.base
    share = outcome_share(scenario.opening_base, scenario.ceiling, final, state.walked_away)
    lines = []
    gain = 0
    for key, lever in scenario.levers.items():
        value = state.levers.get(key, lever.current)
        if value > lever.current:
            lines.append(lever.describe(value))
            gain += lever.worth(value)
    tactics = _tactic_results(scenario, _candidate_messages(transcript))
    used = sum(t.achieved for t in tactics)
    if state.walked_away:
        summary = "The hiring manager walked away, so nothing was won. Keeping the tone professional comes first."
    else:
        summary = (
            f"You moved base from {format_gbp(scenario.opening_base)} to {format_gbp(final)}, {share:.0%} of the room "
            f"available (the budget went up to {format_gbp(scenario.ceiling)}). You used {used} of {len(tactics)} "
            "playbook tactics."
        )
    logger.debug("debrief share=%.2f tactics=%d", share, used)
    return Debrief(share, scenario.opening_base, final, scenario.ceiling, state.agreed, state.walked_away,
                   dict(state.levers), lines, gain, tactics, offer_timeline(state), summary)


def follow_up_email(scenario: Scenario, state: NegotiationState, candidate_name: str | None) -> str:
    """A polite email confirming the agreed terms in writing."""
    first_name = scenario.manager_name.split()[0]
    terms = [f"- Base salary: {format_gbp(state.base)} a year"]
    for key, lever in scenario.levers.items():
        if key == "start_date":
            continue
        value = state.levers.get(key, lever.current)
        if value > lever.current or key in ("remote_days", "holiday_days"):
            terms.append(f"- {lever.label}: {lever.describe(value)}")
    flex = state.levers.get("start_date", 0)
    start = f"in about {scenario.start_weeks} weeks"
    if flex:
        start += f", with the flexibility to start up to {flex} week{'s' if flex != 1 else ''} later"
    terms.append(f"- Start date: {start}")
    agreed = "agreed" if state.agreed else "discussed"
    return "\n".join([
        f"Subject: Confirming the terms for the {scenario.role_name} role",
        "",
        f"Dear {first_name},",
        "",
        f"Thank you for taking the time to talk through the offer. I'm delighted to be joining {scenario.company_name}, "
        f"and I'd like to confirm the terms we {agreed}:",
        "",
        *terms,
        "",
        "Could you please send an updated offer letter reflecting these terms? I'm looking forward to getting started.",
        "",
        "Kind regards,",
        candidate_name or "[Your name]",
    ])
