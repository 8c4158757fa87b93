"""Spot negotiation tactics in a candidate's message: shared by the counterpart and the scorer."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

MARKET = re.compile(
    r"\b(?:market (?:rate|rates|value|data|range|average|median)|(?:the|current) market|research(?:ed)?|"
    r"glassdoor|levels\.?fyi|salary (?:survey|guide|data|benchmarks?)|industry (?:data|reports?|benchmarks?|rates?)|"
    r"benchmark(?:s|ed|ing)?|(?:salary|pay|market) band|the band|similar roles|comparable roles|equivalent roles|"
    r"roles like this|going rate|other offers?|competing offers?|peers? (?:earn|are paid)|paying for (?:this|similar))\b",
    re.I,
)
VALUE = re.compile(
    r"\b(?:impact|results?|delivered|track record|led|lead the|built|scaled|shipped|improved|reduced|increased|"
    r"saved|grew|migrated|mentored|automated|launched|rebuilt|designed|contribut\w+|achiev\w+|optimi[sz]\w+|"
    r"cut \w+(?: \w+)? by|revenue|outcomes?|proven)\b",
    re.I,
)
VALUE_VAGUE = re.compile(r"\b(?:skills?|experience(?:d)?|bring|expertise|hit the ground running|strong candidate)\b", re.I)
METRIC = re.compile(r"\b\d+(?:\.\d+)?\s?(?:%|x\b|per ?cent|million|m\b|k\b)|\bby (?:a )?(?:third|half|\d+)", re.I)
NEED = re.compile(
    r"\b(?:my rent|rent (?:is|has)|i (?:really )?need (?:the money|more money|to earn|at least|to cover|this)|"
    r"cost of living|bills|mortgage|childcare|debts?|afford|expenses|student loan|landlord|"
    r"struggl\w+|family to support|make ends meet|tight financially|i have to pay)\b",
    re.I,
)
HOSTILE = re.compile(
    r"\b(?:idiot\w*|stupid|moron\w*|pathetic|insulting|clowns?|joke of an? \w+|fuck\w*|f\*+\w*|shit\w*|crap|"
    r"screw you|shut up|you people|waste of (?:my )?time|you'?ll regret|or else|i'?ll (?:sue|report you)|"
    r"trash your|bad review|cheapskates?|scam|robbery|daylight robbery|disgrace\w*|useless|incompetent)\b",
    re.I,
)
ULTIMATUM = re.compile(r"\b(?:take it or leave it|final offer|or i walk|or i'?m walking|non-negotiable|or i'?ll walk)\b", re.I)
INJECTION = re.compile(
    r"\b(?:ignore (?:all |any |your |the |previous |prior )*(?:instructions|rules|prompt)|system prompt|"
    r"your (?:brief|instructions|prompt|rules)|developer mode|jailbreak|pretend (?:you|to be)|you are now|"
    r"reveal|what were you told|tell me the (?:ceiling|limit|max\w*|budget)|(?:max(?:imum)?|top|upper|hard) "
    r"(?:budget|limit|figure|number|you can)|ceiling|how high can you go|most you can (?:pay|offer|do|go))\b",
    re.I,
)
BUDGET_Q = re.compile(r"\b(?:budget|max(?:imum)?|ceiling|range|top|upper|limit|most you|how high|room|flexib\w+ on (?:base|salary))\b", re.I)
PACKAGE_Q = re.compile(r"\b(?:package|benefits?|perks|what else|total comp\w*|pension|overall offer)\b", re.I)
IN_WRITING = re.compile(
    r"\b(?:in writing|written (?:offer|confirmation)|offer letter|(?:confirm|send|put)\b[^.?!]{0,40}\b(?:e-?mail|writing)|"
    r"updated (?:offer|contract)|revised offer|in an e-?mail|by e-?mail|over e-?mail)\b",
    re.I,
)
ACCEPT = re.compile(
    r"\b(?:i (?:happily |gladly )?accept|i'?ll accept|happy to accept|i'?m happy to go ahead|we have a deal|it'?s a deal|"
    r"^\s*(?:deal|agreed|done)\W*$|i'?ll take it|let'?s go ahead|let'?s do it|that works for me|sounds good|"
    r"yes,? please|i can accept|i'?m happy with (?:that|this|the offer))",
    re.I,
)
GRATITUDE = re.compile(
    r"\b(?:thank\w*|appreciate\w*|excited|delighted|pleased|keen|enthusias\w+|love to (?:join|work)|great to hear|"
    r"looking forward)\b",
    re.I,
)
HEDGE = re.compile(
    r"\b(?:sorry|i guess|maybe|not too much trouble|i know (?:this|it)'?s a lot|don'?t want to (?:be greedy|seem|push)|"
    r"i hope (?:that'?s|this is) ok|just wondering|i'?m not sure|if that'?s ok|i suppose|kind of|sort of|"
    r"whatever you (?:think|can)|anything (?:is fine|works)|i'?ll take (?:whatever|anything))\b",
    re.I,
)
QUESTION_START = re.compile(
    r"^\s*(?:what|how|is there|are there|could you|can you|would you|do you|does|when|which|who|why|will|"
    r"is it|is the|are the|any chance)\b",
    re.I,
)
INFO_QUESTION = re.compile(
    r"^\s*(?:is there|are there|what(?:'s| is| are| does| do)|how (?:much|many|does|do|flexible)|do you|does|"
    r"will|is it|is the|are the|when)\b",
    re.I,
)
ASK_VERB = re.compile(
    r"\b(?:could you|can you|would you|can we|could we|i'?d like|i would like|i'?m asking|i'?d ask|i want|"
    r"how about|what about|please|add|include|increase|bump|raise|extend|push|need|looking for|ask for|"
    r"would help|instead|in exchange|rather)\b",
    re.I,
)
LEVER_WORDS = {
    "signing_bonus": r"sign(?:ing|-on|on)[ -]?bonus|golden hello|joining bonus|welcome bonus|one[- ]off bonus",
    "start_date": r"start(?:ing)? date|start later|later start|push (?:back )?the start|start in \w+ weeks",
    "remote_days": r"remote|work(?:ing)? from home|wfh|hybrid|home[- ]working|days in the office|office days",
    "holiday_days": r"holiday|annual leave|days off|vacation|\bpto\b|leave allowance",
    "training_budget": r"training|learning (?:and development )?budget|l&d|conferences?|courses?|development budget|certifications?",
    "early_review": r"(?:early|earlier|six[- ]month|6[- ]month) (?:salary )?review|review (?:at|after|in) (?:six|6|3|three) months|salary review",
    "notice_buyout": r"notice(?: period)?|buy[- ]?out",
}
LEVER_PATTERNS = {key: re.compile(rf"\b(?:{pattern})\b", re.I) for key, pattern in LEVER_WORDS.items()}
_SENTENCE = re.compile(r"(?:[^.!?\n]|(?<=\d)\.(?=\d)|\.(?=[a-z]))+(?:[.!?]+|$)", re.I)


@dataclass
class MessageSignals:
    """What a single candidate message does, tactic by tactic, with the words that show it."""

    market: str | None = None
    value: str | None = None
    value_concrete: bool = False
    metric: str | None = None
    need: str | None = None
    hostile: str | None = None
    ultimatum: str | None = None
    injection: str | None = None
    in_writing: str | None = None
    accept: str | None = None
    gratitude: str | None = None
    hedge: str | None = None
    questions: list[str] = field(default_factory=list)
    info_questions: list[str] = field(default_factory=list)
    levers: dict[str, str] = field(default_factory=dict)  # lever id -> the sentence that asks for it
    lever_questions: dict[str, str] = field(default_factory=dict)


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences in a text, trimmed of surrounding space."""
    spans = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def quote(text: str, match: re.Match[str] | None) -> str | None:
    """The sentence of the text holding the match: a verbatim substring for evidence."""
    if match is None:
        return None
    for start, end in sentences(text):
        if start <= match.start() < end:
            return text[start:end]
    return match.group()


def first_quote(pattern: re.Pattern[str], text: str) -> str | None:
    """Quote the sentence holding the first match of a pattern, or None."""
    return quote(text, pattern.search(text))


def read_signals(text: str) -> MessageSignals:
    """Every tactic signal in one message."""
    sig = MessageSignals(
        market=first_quote(MARKET, text),
        value=first_quote(VALUE, text) or first_quote(VALUE_VAGUE, text),
        need=first_quote(NEED, text),
        hostile=first_quote(HOSTILE, text),
        ultimatum=first_quote(ULTIMATUM, text),
        injection=first_quote(INJECTION, text),
        in_writing=first_quote(IN_WRITING, text),
        accept=first_quote(ACCEPT, text),
        gratitude=first_quote(GRATITUDE, text),
        hedge=first_quote(HEDGE, text),
    )
    sig.value_concrete = bool(VALUE.search(text))
    if sig.value:
        sig.metric = quote(text, METRIC.search(text)) if sig.value_concrete else None
    for start, end in sentences(text):
        sentence = text[start:end]
        is_question = sentence.endswith("?") or bool(QUESTION_START.match(sentence))
        if is_question:
            sig.questions.append(sentence)
        info = is_question and bool(INFO_QUESTION.match(sentence)) and not ASK_VERB.search(sentence)
        if info:
            sig.info_questions.append(sentence)
        for key, pattern in LEVER_PATTERNS.items():
            if pattern.search(sentence):
                target = sig.lever_questions if info else sig.levers
                target.setdefault(key, sentence)
    return sig
