"""Spotting answers that try to instruct the grader, and capping their scores."""
from __future__ import annotations

import dataclasses
import logging
import re

from webapp.practice.types import CriterionScore, ScoreResult

logger = logging.getLogger(__name__)

INJECTION_CAP = 20
CRITERION_CAP = 2

_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_GRADER = r"(?:grader|evaluator|scorer|assessor|examiner|grading (?:model|system|ai)|language model|llm|ai model|ai grader)"
_MAX_SCORE = (
    r"(?:10 ?/ ?10|5 ?/ ?5|100 ?/ ?100|100 (?:points|out of 100)|(?:10|ten) out of (?:10|ten)|(?:5|five) out of (?:5|five)|100(?= ?[.!?,;:]|$)|(?:full|top) marks"
    r"|(?:the |a )?(?:perfect|maximum|max|highest|top|full) (?:score|marks?|rating|grade|points)"
    r"|(?:the )?max(?:imum)?(?= ?[.!?,;:]|$| possible| on every| across| for every| in every))"
)
_FILLER = r"(?:(?:this|my|the|it|me|answer|response|candidate|reply|as|with|a|an|every|each|all|criteria|criterion|5|five) ){0,5}"
_QUALIFIER = r"(?:all|any|your|every|prior|previous|above|earlier|preceding|original|system|grading|scoring|marking)"
_OBJECT = r"(?:instructions?|prompts?|rules|rubric|guidelines|directions|criteria|directives)"

# Each pattern runs on lower-cased text with invisible characters removed and whitespace collapsed.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (description, re.compile(pattern))
    for description, pattern in (
        (
            "asks the grader to ignore its instructions",
            rf"\b(?:ignore|disregard|forget|override|bypass|discard)\b (?:(?:the|of|these|those) ){{0,2}}{_QUALIFIER}(?: [\w-]+){{0,2}} {_OBJECT}\b"
            r"|\b(?:ignore|disregard|override|bypass)\b (?:the |your )?(?:rubric|system prompt|prompt|scoring criteria|grading criteria|marking scheme)\b"
            r"|\b(?:ignore|disregard)\b (?:everything |all |anything )?(?:(?:of )?the |what(?:'s| is| was) )?(?:above|previous|preceding|prior|foregoing)"
            r"(?= ?(?:[.,;:!?]|$|and |then |text|messages?))",
        ),
        (
            "asks the grader to forget what came before",
            r"\bforget (?:everything|all)(?: (?:of )?(?:the |your )?)?(?:above|before|previous|prior|earlier|you (?:were|have been|'ve been) told)\b",
        ),
        (
            "tries to give the grader a new role",
            rf"\byou are now (?:a|an|the|my|in|acting|operating|going to|dan)\b|\bfrom now on,? you\b|\bpretend (?:that )?you(?:'re| are)\b"
            rf"|\bact (?:as|like) (?:a|an|the) (?:ai|{_GRADER}|lenient|generous|different|new)\b",
        ),
        (
            "speaks to the grader directly",
            rf"\bas (?:the|an?|my) (?:ai\b(?= ?[,:]| you| model| assistant| language)|{_GRADER})"
            rf"|\b(?:dear|hey|hi|hello|note (?:to|for)(?: the)?|message (?:to|for)(?: the)?) (?:the )?(?:ai|{_GRADER}|model|chatgpt|gpt|claude|assistant)\b",
        ),
        (
            "asks for a particular score",
            rf"\b(?:score|rate|grade|mark|award|assign|give)\b {_FILLER}{_MAX_SCORE}",
        ),
        (
            "claims the answer deserves top marks",
            rf"\b(?:deserves?|should (?:get|receive|be given|score)|must (?:get|receive|score)) (?:a |an |the )?{_MAX_SCORE}",
        ),
        (
            "dictates the score",
            r"\b(?:overall|final|total) score (?:should|must|will) be\b|\bthe (?:score|rating|grade) (?:should|must) be (?:\d|a |the |full|max|perfect|high)"
            r"|\boverall(?: score)? ?[:=] ?\d{1,3}\b",
        ),
        ("tells the grader not to penalise", r"\bdo(?: not|n't) (?:flag|penali[sz]e|mark down|deduct (?:points|marks)) (?:this|me|my|the answer|it)\b"),
        ("fake system or assistant message", r"(?:^|[.!?\n] ?)\(?\[?(?:system|assistant|developer)(?: (?:prompt|message|note|override))?\]?\)? ?:"),
        (
            "fake chat-format control tokens",
            r"<\|[a-z_ ]+\|>|<<\s?/?sys\s?>>|\[/?inst\]|\[/?system\]|</?(?:system|instructions?|prompt)>|#{2,} ?(?:new )?instructions?\b|#{2,} ?(?:system|response) ?:",
        ),
        (
            "fake JSON score block",
            r"\{ ?[\"'](?:overall|score|scores|rating|criteria|relevance|structure|specificity|ownership|impact|delivery|grade|flags)[\"'] ?:|[\"'](?:overall|score|rating)[\"'] ?: ?\d",
        ),
        (
            "new instructions for the grader",
            r"\bnew instructions? ?:|\b(?:new|updated|real|actual|hidden) (?:system prompt|rubric|grading instructions)\b|\bgrading (?:note|override)\b|\bevaluation override\b",
        ),
        ("asks the grader to reveal its prompt", r"\b(?:reveal|print|show|repeat|output) (?:your (?:system )?|the system )(?:prompt|instructions)\b"),
        ("tells the grader how to reply", r"\b(?:respond|reply) only with\b|\b(?:respond|reply) with (?:a |the )?(?:perfect|maximum|full|high) score\b"),
    )
)


def _clean(text: str) -> str:
    text = _INVISIBLE.sub("", text).lower()
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(lines)


def detect_injection(text: str) -> list[str]:
    """Short descriptions of every grader-directed instruction found in the text (empty when clean)."""
    cleaned = _clean(text or "")
    flat = re.sub(r"\s+", " ", cleaned)
    found = [description for description, pattern in _PATTERNS if pattern.search(cleaned) or pattern.search(flat)]
    if found:
        logger.info("Prompt-injection patterns detected: %s", "; ".join(found))
    return found


def strip_injection(text: str) -> str:
    """The text without the sentences or lines that contain grader-directed instructions."""
    pieces = re.split(r"(?<=[.!?])\s+|\n+", text or "")
    kept = [piece for piece in pieces if piece.strip() and not detect_injection(piece)]
    return " ".join(piece.strip() for piece in kept)


def cap_for_injection(result: ScoreResult, matches: list[str], honest_overall: int | None = None) -> ScoreResult:
    """A copy of the result capped and flagged because the answer tried to instruct the grader."""
    if not matches:
        return result
    cap = INJECTION_CAP if honest_overall is None else max(0, min(INJECTION_CAP, honest_overall))
    reason = "held down because the answer included instructions aimed at the grader."
    criteria = [
        CriterionScore(c.name, min(c.score, CRITERION_CAP), c.feedback if c.score <= CRITERION_CAP else f"Score {reason[0].upper()}{reason[1:]}")
        for c in result.criteria
    ]
    detected = "; ".join(dict.fromkeys(matches))
    feedback = (
        "This answer tried to instruct the grader (detected: "
        f"{detected}), which is not allowed, so the score is capped at {cap}. "
        "Answer the interviewer's question instead; only the answer itself is assessed."
    )
    flags = list(result.flags) + (["injection"] if "injection" not in result.flags else [])
    return dataclasses.replace(
        result,
        criteria=criteria,
        overall=min(result.overall, cap),
        feedback=feedback,
        flags=flags,
        evidence=[quote for quote in result.evidence if not detect_injection(quote)],
    )
