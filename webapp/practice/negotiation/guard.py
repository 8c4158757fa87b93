"""Code-level guards for any counterpart, offline or LLM: stay within the brief and never reveal it."""
from __future__ import annotations

import logging
import re

from .money import find_amounts
from .scenario import Scenario
from .signals import sentences
from .state import NegotiationState

logger = logging.getLogger(__name__)

NEUTRAL = "That's at the top of what I can do."
_LIMIT_WORDS = re.compile(
    r"\b(?:up to|max(?:imum)?|at most|no more than|capped?|limit|ceiling|as (?:much|far|high) as|tops? out|"
    r"highest|allowed|authori[sz]ed|sign[- ]off|the most)\b",
    re.I,
)
_BRIEF_WORDS = re.compile(
    r"\b(?:my|the|your) (?:brief|instructions|system prompt|hidden)\b|\babsolute limit\b|\bnever reveal\b", re.I
)
_WORDS_UNITS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_WORDS_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def enforce_limits(
    scenario: Scenario, state: NegotiationState, proposed_base: int, proposed_levers: dict[str, int] | None
) -> tuple[int, dict[str, int], bool]:
    """Clamp a proposed offer to the brief: capped at the limits, never below the current offer.

    The flag is True when any proposed value had to be changed (or an unknown lever was dropped).
    """
    changed = False
    base = min(max(int(proposed_base), state.base), scenario.ceiling)
    changed = base != proposed_base
    proposed = dict(proposed_levers or {})
    levers: dict[str, int] = {}
    for key, lever in scenario.levers.items():
        before = state.levers.get(key, lever.current)
        value = int(proposed.pop(key, before))
        if value > lever.best:
            value, changed = max(lever.best, before), True
        if value < before:
            value, changed = before, True
        levers[key] = value
    if proposed:
        logger.info("dropped unknown levers: %s", sorted(proposed))
        changed = True
    return base, levers, changed


def _words(thousands: int) -> str | None:
    """A regex for a number below 1000 in words: 62 -> sixty[- ]?two, 105 -> one hundred (and )?five."""
    if not 1 <= thousands <= 999:
        return None
    hundreds, rest = divmod(thousands, 100)
    if rest < 20:
        tail = _WORDS_UNITS[rest]
    else:
        tens, unit = divmod(rest, 10)
        tail = _WORDS_TENS[tens] + (f"[- ]?{_WORDS_UNITS[unit]}" if unit else "")
    if not hundreds:
        return tail
    head = "(?:a|one) hundred" if hundreds == 1 else f"{_WORDS_UNITS[hundreds]} hundred"
    return head + (rf"\s(?:and\s)?{tail}" if tail else "")


def _figure_patterns(amount: int) -> list[re.Pattern[str]]:
    """Regexes for the ways an amount might be written: 62000, 62,000, £62,000.00, 62k, 62.5k, sixty-two thousand."""
    thousands, rest = divmod(amount, 1000)
    head = f"{thousands}"
    k_form = head if rest == 0 else f"{amount / 1000:g}".replace(".", r"\.")
    pats = [
        rf"(?<![\d.,]){head}[, \u00a0]?{rest:03d}(?:\.\d{{1,2}})?(?![\d,])",
        rf"(?<![\d.,]){k_form}(?:\.0+)?\s?(?:k|grand|thousand)(?![a-z])",
    ]
    words = _words(thousands) if rest == 0 else None
    if words:
        pats.append(rf"\b{words}[ -]?(?:thousand|grand|k)\b")
    return [re.compile(p, re.I) for p in pats]


def _leaks_ceiling(sentence: str, scenario: Scenario, patterns: list[re.Pattern[str]]) -> bool:
    if any(p.search(sentence) for p in patterns):
        return True
    return any(scenario.ceiling in (m.amount, m.range_high) for m in find_amounts(sentence) if not m.foreign)


def _leaks_lever_limit(sentence: str, scenario: Scenario) -> bool:
    if not _LIMIT_WORDS.search(sentence):
        return False
    for lever in scenario.levers.values():
        if not lever.negotiable:
            continue
        if lever.unit.startswith("£"):
            if any(p.search(sentence) for p in _figure_patterns(lever.best)):
                return True
            if any(m.amount == lever.best for m in find_amounts(sentence)):
                return True
        elif re.search(rf"(?<![\d.]){lever.best}(?![\d])", sentence):
            return True
    return False


def redact_brief(text: str, scenario: Scenario) -> str:
    """Replace any sentence that gives away the ceiling, a lever limit or the brief with neutral wording."""
    if not text:
        return text
    patterns = _figure_patterns(scenario.ceiling)
    out: list[str] = []
    cursor = 0
    redacted = 0
    last_neutral = False
    for start, end in sentences(text):
        sentence = text[start:end]
        gap = text[cursor:start]
        cursor = end
        leaks = _leaks_ceiling(sentence, scenario, patterns) or _leaks_lever_limit(sentence, scenario)
        if leaks or _BRIEF_WORDS.search(sentence):
            redacted += 1
            if not last_neutral:
                out.append(gap + NEUTRAL)
            last_neutral = True
        else:
            out.append(gap + sentence)
            last_neutral = False
    out.append(text[cursor:])
    if redacted:
        logger.info("redacted %d sentence(s) that revealed the brief", redacted)
    return "".join(out)
