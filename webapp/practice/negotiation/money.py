"""Find salary amounts in a candidate's message, written the many ways people write them.

Rules worth knowing:

* "£55k", "55K", "55,000", "£55,000.00", "£55.5k", "55 grand", "fifty-five thousand" are absolute amounts.
* "55-60k", "£55k to £60k", "between 55 and 60 thousand" are ranges: ``amount`` is the bottom, because the
  bottom is what an employer hears.
* "10% more", "a 10% increase", "5 percent above" are percentages; ``amount`` is worked out from
  ``reference`` only when the direction (more / less) is clear and a reference is given.
* "$70k", "€60,000", "70k USD" keep their own currency, flagged ``foreign``; nothing is converted.
* Four-digit years (1900-2099 written without a comma or currency) and counts followed by a unit
  ("3 days", "5 years", "10k users") are ignored.
* A bare number below 1000 with no currency or "k" is read as thousands only when it is clearly a salary:
  it is between 15 and 500, no unit follows it, and either salary wording follows ("55 would work",
  "58 works for me") or a cue precedes it ("at 55", "closer to 58", "looking for 60"). When a reference is
  given, the result must also lie between half and three times the reference. Otherwise it is ignored.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

logger = logging.getLogger(__name__)

_SYMBOLS = {"£": "GBP", "$": "USD", "us$": "USD", "€": "EUR"}
_CODES = {"gbp", "usd", "eur", "cad", "aud", "chf", "sgd", "inr", "jpy"}
_CURRENCY_WORDS = {
    "pounds": "GBP", "pound": "GBP", "quid": "GBP", "sterling": "GBP",
    "dollars": "USD", "bucks": "USD", "euros": "EUR", "euro": "EUR",
}
_CODE_ALT = "|".join(sorted(_CODES))
_WORD_ALT = "|".join(sorted(_CURRENCY_WORDS, key=len, reverse=True))

_NUMERIC = re.compile(
    rf"""
    (?<![\w.,£$€])
    (?P<pre>(?:US\$|£|\$|€|{_CODE_ALT})\s?)?
    (?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)
    (?P<mult>\s?(?:k|grand|thousand|million|mn)(?![a-z])|m(?![a-z]))?
    (?P<post>\s?(?:{_CODE_ALT}|{_WORD_ALT})(?![a-z]))?
    (?P<pct>\s?%|\s?per\s?cent(?![a-z]))?
    """,
    re.X | re.I,
)
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "grand": 1000, "million": 1_000_000}
_UNIT_AFTER = re.compile(
    r"\s*(?:days?|weeks?|months?|years?|yrs?|hours?|hrs?|mins?|minutes?|seconds?|ms|people|engineers|"
    r"developers|users|customers|clients|requests|times|employees|staff|reports|members|projects|"
    r"services|teams?|rounds?|interviews?|offers?|holidays?|miles|km|stars?|pages?|lines?)\b",
    re.I,
)
_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to|and)\s*", re.I)
_STRONG_BEFORE = re.compile(
    r"(?:\bat|\baround|\babout|\broughly|\bnearer|\bcloser to|\bmore like|\bthinking|\blooking for|"
    r"\basking for|\bhoping for|\bcould do|\bdo|\bsay|\bmeet (?:you )?at|\bsettle (?:on|at)|\bgo to|\bmove to)"
    r"\s*£?$",
    re.I,
)
_WEAK_BEFORE = re.compile(r"(?:\bto|\bof|\bfor|\bis|\bbe)\s*£?$", re.I)
_STRONG_AFTER = re.compile(
    r"^\s*(?:would|works?|is (?:fine|ok|okay|what|where|the)|sounds|and (?:i'?m|we|i'?d)|feels|seems)\b",
    re.I,
)
_SALARY_WORDS = re.compile(r"\b(?:salary|base|offer|pay|package|budget|comp|compensation|figure|number)\b", re.I)
_PCT_UP_AFTER = re.compile(
    r"^\s*(?:\w+\s+)?(?:more|increase|higher|above|extra|rise|raise|uplift|on top|over|bump|up)\b", re.I
)
_PCT_UP_BEFORE = re.compile(
    r"(?:plus|extra|additional|another|\bup|increase of|raise of|rise of|uplift of|bump of|\bby|\bbump)\s*$", re.I
)
_PCT_DOWN_AFTER = re.compile(r"^\s*(?:\w+\s+)?(?:less|lower|below|under|decrease|cut|reduction|drop)\b", re.I)
_PCT_DOWN_BEFORE = re.compile(r"(?:minus|\bdown|cut of|reduction of)\s*$", re.I)


@dataclass(frozen=True)
class MoneyMention:
    """One amount found in text, with where it came from and how it was read."""

    amount: int | None
    kind: str = "absolute"  # "absolute" | "range" | "percent"
    currency: str = "GBP"
    foreign: bool = False
    range_high: int | None = None
    percent: float | None = None
    span: tuple[int, int] = (0, 0)
    raw: str = ""
    note: str = ""


@dataclass
class _Atom:
    start: int
    end: int
    value: float
    mult: int  # 1 when no multiplier was written
    currency: str | None
    percent: bool
    plain: bool  # digits only: no comma, no decimal point


def _currency_of(token: str | None) -> str | None:
    if not token:
        return None
    key = token.strip().lower()
    if key in _SYMBOLS:
        return _SYMBOLS[key]
    if key in _CODES:
        return key.upper()
    return _CURRENCY_WORDS.get(key)


def _multiplier(token: str | None) -> int:
    if not token:
        return 1
    key = token.strip().lower()
    return 1_000_000 if key in ("m", "mn", "million") else 1000


def _numeric_atoms(text: str) -> list[_Atom]:
    atoms = []
    for m in _NUMERIC.finditer(text):
        num = m.group("num")
        currency = _currency_of(m.group("pre")) or _currency_of(m.group("post"))
        atoms.append(
            _Atom(
                start=m.start(),
                end=m.end(),
                value=float(num.replace(",", "")),
                mult=_multiplier(m.group("mult")),
                currency=currency,
                percent=bool(m.group("pct")),
                plain="," not in num and "." not in num,
            )
        )
    return atoms


def _word_value(words: list[str]) -> int:
    total, current = 0, 0
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in ("thousand", "grand", "million"):
            total += max(current, 1) * _SCALES[word]
            current = 0
    return total + current


def _word_atoms(text: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    tokens = list(re.finditer(r"[A-Za-z]+", text))
    i = 0
    while i < len(tokens):
        run: list[re.Match[str]] = []
        j = i
        while j < len(tokens):
            word = tokens[j].group().lower()
            if run and not re.fullmatch(r"[\s-]+", text[run[-1].end():tokens[j].start()]):
                break
            prev = run[-1].group().lower() if run else ""
            nxt = tokens[j + 1].group().lower() if j + 1 < len(tokens) else ""
            if word in _UNITS or word in _SCALES:
                if word in ("grand", "thousand", "hundred", "million") and not run:
                    break
                run.append(tokens[j])
            elif word == "a" and not run and nxt in ("hundred", "thousand"):
                run.append(tokens[j])
            elif word == "and" and prev in ("hundred", "thousand") and (nxt in _UNITS):
                run.append(tokens[j])
            else:
                break
            j += 1
        while run and run[-1].group().lower() == "and":
            run.pop()
        if run:
            words = [t.group().lower() for t in run]
            scaled = any(w in ("thousand", "grand", "million") for w in words)
            end = run[-1].end()
            post = re.match(rf"\s?({_WORD_ALT}|{_CODE_ALT})(?![a-z])", text[end:], re.I)
            currency = _currency_of(post.group(1)) if post else None
            if post:
                end += post.end()
            atoms.append(_Atom(run[0].start(), end, float(_word_value(words)), 1, currency, False, not scaled))
            if scaled:
                atoms[-1].plain = False
                atoms[-1].mult = 1000  # already applied; marks the amount as written with a multiplier
                atoms[-1].value /= 1000
            i = j
        else:
            i += 1
    return atoms


def _is_year(atom: _Atom) -> bool:
    return atom.plain and atom.mult == 1 and atom.currency is None and 1900 <= atom.value <= 2099 and not atom.percent


def _bare_thousands(text: str, atom: _Atom, reference: int | None) -> bool:
    if not 15 <= atom.value <= 500:
        return False
    before = text[max(0, atom.start - 25):atom.start]
    after = text[atom.end:atom.end + 30]
    if _STRONG_AFTER.search(after) or _STRONG_BEFORE.search(before):
        ok = True
    else:
        ok = bool(_WEAK_BEFORE.search(before) and _SALARY_WORDS.search(text))
    if ok and reference:
        ok = 0.5 * reference <= atom.value * 1000 <= 3 * reference
    return ok


def _amount_of(text: str, atom: _Atom, reference: int | None) -> tuple[int | None, str]:
    if atom.mult > 1:
        return round(atom.value * atom.mult), ""
    if atom.value >= 1000 or atom.currency is not None and atom.value >= 1:
        if atom.value < 1000 and _bare_thousands(text, atom, reference):
            return round(atom.value * 1000), f"Read {atom.value:g} as {atom.value * 1000:,.0f}: salary context."
        return round(atom.value), ""
    if _bare_thousands(text, atom, reference):
        return round(atom.value * 1000), f"Read {atom.value:g} as {atom.value * 1000:,.0f} because it sits in salary wording."
    return None, ""


def _percent_mention(text: str, pct: float, span: tuple[int, int], reference: int | None) -> MoneyMention:
    start, end = span
    before = text[max(0, start - 30):start]
    after = text[end:end + 40]
    sign = 0
    if _PCT_UP_AFTER.search(after) or _PCT_UP_BEFORE.search(before):
        sign = 1
    elif _PCT_DOWN_AFTER.search(after) or _PCT_DOWN_BEFORE.search(before):
        sign = -1
    amount = None
    if reference is None:
        note = "A percentage needs a figure to be relative to, so no amount was worked out."
    elif sign == 0:
        note = "It is not clear whether this percentage is above or below the offer."
    else:
        amount = round(reference * (1 + sign * pct / 100))
        note = f"{pct:g}% {'above' if sign > 0 else 'below'} £{reference:,} is about £{amount:,}."
    return MoneyMention(amount, "percent", "GBP", False, None, pct, span, text[start:end], note)


def _foreign_note(currency: str) -> str:
    return f"Amount is in {currency} and was not converted; UK offers are discussed in pounds."


def _try_range(text: str, low: _Atom, high: _Atom, reference: int | None) -> MoneyMention | None:
    join = text[low.end:high.start]
    if not _RANGE_JOIN.fullmatch(join):
        return None
    if "and" in join.lower() and not re.search(r"between\s*$", text[max(0, low.start - 12):low.start], re.I):
        return None
    if low.percent or high.percent:
        return None
    currency = low.currency or high.currency
    if low.currency and high.currency and low.currency != high.currency:
        return None
    high_amount = round(high.value * high.mult)
    if low.mult == 1 and high.mult > 1 and low.value < 1000:
        low_amount = round(low.value * high.mult)
    elif low.mult == 1 and low.value < 1000 and high_amount >= 1000:
        low_amount = round(low.value * 1000)
    else:
        low_amount = round(low.value * low.mult)
    if high_amount < 1000 and low_amount < 1000:
        if not (_bare_thousands(text, low, reference) or _STRONG_AFTER.search(text[high.end:high.end + 30])):
            return None
        low_amount, high_amount = low_amount * 1000, high_amount * 1000
    if not 1000 <= low_amount <= high_amount:
        return None
    currency = currency or "GBP"
    foreign = currency != "GBP"
    note = f"A range is treated as an anchor at its bottom ({low_amount:,}): that is the figure an employer hears."
    if foreign:
        note += " " + _foreign_note(currency)
    span = (low.start, high.end)
    return MoneyMention(low_amount, "range", currency, foreign, high_amount, None, span, text[span[0]:span[1]], note)


def find_amounts(text: str, reference: int | None = None) -> list[MoneyMention]:
    """Every salary-like amount in a message, in order of appearance."""
    if not text:
        return []
    atoms = sorted(_numeric_atoms(text) + _word_atoms(text), key=lambda a: (a.start, -a.end))
    kept: list[_Atom] = []
    for atom in atoms:
        if kept and atom.start < kept[-1].end:
            continue
        if _is_year(atom):
            continue
        if atom.currency is None and not atom.percent and _UNIT_AFTER.match(text[atom.end:]):
            continue
        kept.append(atom)
    mentions: list[MoneyMention] = []
    i = 0
    while i < len(kept):
        atom = kept[i]
        if i + 1 < len(kept):
            nxt = kept[i + 1]
            if nxt.percent and not atom.percent and atom.currency is None and atom.mult == 1:
                if re.fullmatch(r"\s*(?:-|–|—|to)\s*", text[atom.end:nxt.start], re.I):
                    pct = _percent_mention(text, atom.value, (atom.start, nxt.end), reference)
                    note = f"A range of percentages is read at its bottom. {pct.note}"
                    mentions.append(MoneyMention(**{**pct.__dict__, "note": note}))
                    i += 2
                    continue
            ranged = _try_range(text, atom, nxt, reference)
            if ranged:
                mentions.append(ranged)
                i += 2
                continue
        i += 1
        if atom.percent:
            mentions.append(_percent_mention(text, atom.value, (atom.start, atom.end), reference))
            continue
        amount, note = _amount_of(text, atom, reference)
        if amount is None:
            continue
        currency = atom.currency or "GBP"
        foreign = currency != "GBP"
        if foreign:
            note = (note + " " + _foreign_note(currency)).strip()
        span = (atom.start, atom.end)
        mentions.append(MoneyMention(amount, "absolute", currency, foreign, None, None, span, text[atom.start:atom.end], note))
    logger.debug("found %d amounts", len(mentions))
    return mentions


def parse_money(text: str, reference: int | None = None) -> MoneyMention | None:
    """The first amount in the text, or None when there is none."""
    found = find_amounts(text, reference)
    return found[0] if found else None


def format_gbp(amount: int) -> str:
    """An amount as people read it in the UK: £55,000."""
    return f"£{amount:,}"
