"""Pick out the base salary a candidate is asking for, and judge whether it is a good anchor."""
from __future__ import annotations

import logging
import re

from webapp.salaries import Band, get_role

from .money import MoneyMention

logger = logging.getLogger(__name__)

_LEVER_MONEY = re.compile(r"bonus|training|learning|budget for|buy[- ]?out|notice|relocat|conference|course", re.I)
_ASK_CUE = re.compile(
    r"(?:looking for|asking for|ask for|hoping for|would like|i'?d like|closer to|nearer|move to|come up to|get to|"
    r"at least|propose|counter|thinking|target|aiming|settle|meet|i could do|i can do|work for|happy at|need|want)"
    r"\W*(?:\w+\W+){0,3}$",
    re.I,
)


def pick_ask(message: str, mentions: list[MoneyMention], known: tuple[int, ...] = ()) -> MoneyMention | None:
    """The base salary being asked for: skips lever amounts, foreign figures and offers being quoted back."""
    candidates = []
    for m in mentions:
        if m.amount is None or m.foreign or m.amount < 10000:
            continue
        after = message[m.span[1]:m.span[1] + 25]
        before = message[max(0, m.span[0] - 20):m.span[0]]
        if _LEVER_MONEY.search(after) or re.search(r"(?:bonus|budget|buy[- ]?out) of\W*$", before, re.I):
            continue
        candidates.append(m)
    fresh = [m for m in candidates if m.amount not in known]
    if fresh:
        candidates = fresh
    if not candidates:
        return None
    cued = [m for m in candidates if _ASK_CUE.search(message[max(0, m.span[0] - 40):m.span[0]])]
    return cued[-1] if cued else max(candidates, key=lambda m: m.amount or 0)


def band_for(role: str | None, level: str | None, location: str | None = None) -> Band | None:
    """The market band for a role and level when the data has it, else None."""
    data = get_role(role) if role else None
    if data is None or not level:
        return None
    try:
        return data.band(level, london=location == "london")
    except KeyError:
        return None


def judge_anchor(ask: int, offer: int | None, band: Band | None = None) -> str:
    """Classify an ask: "absurd", "weak" (at or below the offer), "timid", "ambitious" or "stretch"."""
    if offer:
        ratio = ask / offer
        if ratio > 1.5:
            return "absurd"
        if ratio <= 1.0:
            return "weak"
        if ratio < 1.04:
            return "timid"
        if ratio <= 1.22:
            return "ambitious"
        if ratio <= 1.3 and band is not None and band.midpoint <= ask <= band.high:
            return "ambitious"
        return "stretch"
    if band is not None:
        if ask > band.high * 1.4:
            return "absurd"
        if ask < band.midpoint:
            return "timid"
        return "ambitious" if ask <= band.high else "stretch"
    return "unknown"
