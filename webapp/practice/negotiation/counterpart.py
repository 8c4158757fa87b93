"""The offline hiring manager: a rule-based counterpart that concedes like a sensible employer."""
from __future__ import annotations

import logging
import math
import random
import re
from dataclasses import dataclass, field

from .anchor import pick_ask
from .guard import enforce_limits, redact_brief
from .money import MoneyMention, find_amounts
from .replies import PHRASES, lever_summary
from .scenario import Scenario
from .signals import BUDGET_Q, INJECTION, LEVER_PATTERNS, PACKAGE_Q, MessageSignals, read_signals
from .state import NegotiationState

logger = logging.getLogger(__name__)

__all__ = ["CounterpartReply", "NegotiationState", "OfflineCounterpart", "enforce_limits", "redact_brief", "accept"]

OFFER = "[[offer]]"
_QUALITY = {"market+value": 0.55, "market": 0.38, "value": 0.38, "mixed": 0.22, "unsupported": 0.2, "need": 0.08}
_DIFFICULTY = {"easy": 1.2, "standard": 1.0, "hard": 0.8}
_DECAY = 0.65
_YES = re.compile(r"^\s*(?:yes|yeah|ok(?:ay)?|sure|that (?:would|could) (?:help|work)|go on|please do)\b", re.I)
_EXTRA = re.compile(r"\b(?:extra|more|additional|another|further)\b", re.I)
_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "an": 1, "a": 1}


@dataclass
class CounterpartReply:
    """What the hiring manager says back, with the offer it leaves on the table."""

    text: str
    offer: int
    levers: dict[str, int]
    moved: bool = False
    walked_away: bool = False
    agreed: bool = False
    notes: list[str] = field(default_factory=list)  # tactics it responded to, for the debrief


def _quality(sig: MessageSignals) -> str:
    if sig.need and not (sig.market or sig.value):
        return "need"
    if sig.need:
        return "mixed"
    if sig.market and sig.value:
        return "market+value"
    if sig.market:
        return "market"
    if sig.value:
        return "value"
    return "unsupported"


def _requested_lever_value(scenario: Scenario, state: NegotiationState, key: str, sentence: str) -> int | None:
    lever = scenario.levers[key]
    current = state.levers[key]
    if lever.unit.startswith("£"):
        mentions = [m for m in find_amounts(sentence) if m.amount and not m.foreign]
        words = [w.span() for w in LEVER_PATTERNS[key].finditer(sentence)]

        def distance(m: MoneyMention) -> int:
            return min((max(w[0] - m.span[1], m.span[0] - w[1], 0) for w in words), default=10**6)

        near = sorted((m for m in mentions if distance(m) <= 30), key=distance)
        chosen = near or [m for m in mentions if m.amount < 20000]
        return chosen[0].amount if chosen else None
    if key == "early_review":
        return lever.best
    m = re.search(r"\b(\d+|one|two|three|four|five|six|an|a)\s+(?:extra\s+|more\s+|additional\s+)?(?:remote\s+)?"
                  r"(days?|weeks?)\b", sentence, re.I)
    if not m:
        return None
    count = int(m.group(1)) if m.group(1).isdigit() else _COUNT_WORDS[m.group(1).lower()]
    if _EXTRA.search(sentence) or m.group(1).lower() in ("an", "a"):
        return current + count
    return count


class OfflineCounterpart:
    """A deterministic hiring manager: same scenario, state and message give the same reply."""

    name = "offline"

    def accept(self, scenario: Scenario, state: NegotiationState) -> CounterpartReply:
        """The candidate accepts the current offer."""
        return accept(scenario, state)

    def respond(self, scenario: Scenario, state: NegotiationState, message: str) -> CounterpartReply:
        """Answer one candidate message and update the state in place."""
        rng = random.Random(f"{scenario.seed}|{state.rounds}|{message}")
        if state.finished:
            return _reply(scenario, state, rng.choice(PHRASES["closed"]), ["closed"])
        state.rounds += 1
        sig = read_signals(message)
        if sig.hostile:
            state.warnings += 1
            if state.warnings >= 2:
                state.walked_away = True
                state.base_history.append(state.base)
                return _reply(scenario, state, rng.choice(PHRASES["walk_away"]), ["hostile", "walked_away"])
            state.base_history.append(state.base)
            return _reply(scenario, state, rng.choice(PHRASES["warning"]), ["hostile", "warning"])
        parts: list[str] = []
        notes: list[str] = []
        mentions = find_amounts(message, reference=state.base)
        picked = pick_ask(message, mentions, (state.base, scenario.opening_base))
        ask = picked.amount if picked else None
        proposed_base = state.base
        proposed_levers = dict(state.levers)
        if sig.injection or sig.info_questions:
            parts.extend(self._answer_questions(scenario, state, sig, rng, notes))
        if ask is None and any(m.foreign for m in mentions):
            parts.append(rng.choice(PHRASES["foreign"]))
            notes.append("foreign_currency")
        if ask is not None:
            proposed_base = self._consider_base(scenario, state, ask, sig, rng, parts, notes)
        lever_asks = dict(sig.levers)
        if not lever_asks and state.trade_offered and _YES.search(message) and ask is None:
            lever_asks = {state.trade_offered[0]: message}
        for key, sentence in lever_asks.items():
            self._consider_lever(scenario, state, key, sentence, proposed_levers, rng, parts, notes)
        if not parts:
            if sig.accept and ask is None:
                return accept(scenario, state)
            parts.append(rng.choice(PHRASES["prompt"]))
            notes.append("no_ask")
        base, levers, capped = enforce_limits(scenario, state, proposed_base, proposed_levers)
        if capped:
            notes.append("capped")
        moved = self._record(state, base, levers, notes)
        return _reply(scenario, state, " ".join(parts), notes, moved)

    def _answer_questions(self, scenario: Scenario, state: NegotiationState, sig: MessageSignals,
                          rng: random.Random, notes: list[str]) -> list[str]:
        parts = []
        stuck = state.base >= scenario.ceiling or state.base_moves_used >= scenario.base_moves
        budget_answer = PHRASES["budget_question_done" if stuck else "budget_question"]
        if sig.injection:
            notes.append("extraction_attempt")
            return [rng.choice(budget_answer)]
        asked = " ".join(sig.info_questions)
        if BUDGET_Q.search(asked) or INJECTION.search(asked):
            notes.append("budget_question")
            parts.append(rng.choice(budget_answer))
        if PACKAGE_Q.search(asked):
            notes.append("package_question")
            parts.append(rng.choice(PHRASES["package"]).format(package=lever_summary(scenario, state.levers)))
        for key in sig.lever_questions:
            lever = scenario.levers[key]
            notes.append(f"question:{key}")
            room = lever.negotiable and state.levers[key] < lever.best
            template = PHRASES["lever_open" if room else "lever_fixed"]
            parts.append(rng.choice(template).format(what=lever.label.lower(), now=lever.describe(state.levers[key])))
        if not parts:
            notes.append("question")
            parts.append(rng.choice(PHRASES["other_question"]))
        return parts

    def _consider_base(self, scenario: Scenario, state: NegotiationState, ask: int, sig: MessageSignals,
                       rng: random.Random, parts: list[str], notes: list[str]) -> int:
        ceiling = scenario.ceiling
        if ask > 1.5 * ceiling or ask > scenario.band_high * 1.4:
            notes.append("absurd_anchor")
            parts.append(rng.choice(PHRASES["absurd"]))
            return state.base
        if ask <= state.base:
            notes.append("ask_at_or_below_offer")
            parts.append(rng.choice(PHRASES["at_or_below"]).format(offer=OFFER))
            return state.base
        if state.base >= ceiling or state.base_moves_used >= scenario.base_moves:
            notes.append("base_stuck")
            parts.append(rng.choice(PHRASES["hold_firm"]))
            parts.append(self._offer_trade(scenario, state, rng, notes))
            return state.base
        quality = _quality(sig)
        notes.append(f"framing:{quality}")
        share = _QUALITY[quality] * _DIFFICULTY[scenario.difficulty] * _DECAY ** state.base_moves_used
        step = max(500, math.floor((ceiling - state.base) * share / 500) * 500)
        if state.last_step:
            step = min(step, state.last_step)
        new_base = min(state.base + step, ask, ceiling)
        parts.append(rng.choice(PHRASES[f"ack_{quality}"]))
        if new_base >= ceiling:
            notes.append("reached_ceiling")
            parts.append(rng.choice(PHRASES["move_final"]).format(offer=OFFER))
        elif new_base == ask:
            notes.append("met_ask")
            parts.append(rng.choice(PHRASES["meet_ask"]).format(offer=OFFER))
        else:
            parts.append(rng.choice(PHRASES["move"]).format(offer=OFFER))
        return new_base

    def _offer_trade(self, scenario: Scenario, state: NegotiationState, rng: random.Random, notes: list[str]) -> str:
        open_levers = [lv for lv in scenario.levers.values() if lv.negotiable and state.levers[lv.id] < lv.best]
        if not open_levers:
            notes.append("nothing_left")
            return rng.choice(PHRASES["nothing_left"])
        picks = sorted(open_levers, key=lambda lv: (lv.id not in ("signing_bonus", "remote_days", "early_review"),
                                                   rng.random()))[:2]
        state.trade_offered = [lv.id for lv in picks]
        notes.append("lever_trade_offered")
        options = " or ".join(_TRADE_WORDS[lv.id] for lv in picks)
        return rng.choice(PHRASES["trade"]).format(options=options)

    def _consider_lever(self, scenario: Scenario, state: NegotiationState, key: str, sentence: str,
                        proposed: dict[str, int], rng: random.Random, parts: list[str], notes: list[str]) -> None:
        lever = scenario.levers[key]
        current = state.levers[key]
        if not lever.negotiable:
            notes.append(f"lever_fixed:{key}")
            parts.append(rng.choice(PHRASES["lever_no"]).format(what=lever.label.lower(), now=lever.describe(current)))
            return
        if current >= lever.best:
            notes.append(f"lever_at_best:{key}")
            parts.append(rng.choice(PHRASES["lever_done"]).format(what=lever.label.lower()))
            return
        wanted = _requested_lever_value(scenario, state, key, sentence)
        if wanted is None:
            half = math.ceil((lever.best - current) / 2 / lever.step) * lever.step
            wanted = current + max(lever.step, half)
        if wanted <= current:
            notes.append(f"lever_already:{key}")
            return
        proposed[key] = min(wanted, lever.best)
        notes.append(f"lever_granted:{key}")
        parts.append(rng.choice(PHRASES["lever_yes"]).format(now=f"[[lever:{key}]]"))

    def _record(self, state: NegotiationState, base: int, levers: dict[str, int], notes: list[str]) -> bool:
        moved = False
        if base > state.base:
            state.concessions.append({"round": state.rounds, "what": "base", "before": state.base, "after": base,
                                      "reason": next((n for n in notes if n.startswith("framing:")), "")})
            state.last_step = base - state.base
            state.base_moves_used += 1
            state.base = base
            moved = True
        for key, value in levers.items():
            if value != state.levers.get(key):
                state.concessions.append({"round": state.rounds, "what": key, "before": state.levers.get(key),
                                          "after": value, "reason": "lever_ask"})
                state.levers[key] = value
                moved = True
        if any(n.startswith("lever_granted") for n in notes):
            state.trade_offered = [k for k in state.trade_offered if f"lever_granted:{k}" not in notes]
        state.base_history.append(state.base)
        return moved


_TRADE_WORDS = {
    "signing_bonus": "a one-off signing bonus",
    "start_date": "more flexibility on your start date",
    "remote_days": "an extra remote day each week",
    "holiday_days": "some extra holiday",
    "training_budget": "a bigger training budget",
    "early_review": "bringing your first salary review forward",
    "notice_buyout": "help buying out your notice period",
}


def _reply(scenario: Scenario, state: NegotiationState, text: str, notes: list[str], moved: bool = False) -> CounterpartReply:
    safe = redact_brief(text, scenario)
    safe = safe.replace(OFFER, f"£{state.base:,}")
    safe = re.sub(r"\[\[lever:(\w+)\]\]", lambda m: scenario.levers[m.group(1)].describe(state.levers[m.group(1)]), safe)
    logger.debug("counterpart notes: %s", notes)
    return CounterpartReply(safe, state.base, dict(state.levers), moved, state.walked_away, state.agreed, notes)


def accept(scenario: Scenario, state: NegotiationState) -> CounterpartReply:
    """The candidate accepts: the deal is agreed at the current offer."""
    rng = random.Random(f"{scenario.seed}|accept|{state.rounds}")
    if state.walked_away:
        return _reply(scenario, state, rng.choice(PHRASES["closed"]), ["closed"])
    state.agreed = True
    text = rng.choice(PHRASES["agreed"]).format(offer=OFFER, package=lever_summary(scenario, state.levers))
    return _reply(scenario, state, text, ["agreed"])

