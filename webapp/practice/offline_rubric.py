"""The offline rubric: turn answer signals into six 1-5 criterion scores, an overall and feedback."""
from __future__ import annotations

import logging
import re

from webapp.practice.offline_signals import Signals, is_action_phrase, is_result_phrase, keyword_hits, normalise, sentence_spans
from webapp.practice.types import CRITERIA, CriterionScore, Question

logger = logging.getLogger(__name__)

# Suggested answer length in words, per interview type (roughly one to three minutes spoken).
LENGTH_RANGES = {"screening": (50, 230), "behavioural": (110, 380), "technical": (70, 350), "system_design": (120, 500)}
WEIGHTS = {
    "screening": {"relevance": 0.3, "structure": 0.15, "specificity": 0.2, "ownership": 0.1, "impact": 0.1, "delivery": 0.15},
    "behavioural": {"relevance": 0.2, "structure": 0.2, "specificity": 0.15, "ownership": 0.15, "impact": 0.2, "delivery": 0.1},
    "technical": {"relevance": 0.25, "structure": 0.2, "specificity": 0.25, "ownership": 0.05, "impact": 0.1, "delivery": 0.15},
}
WEIGHTS["system_design"] = WEIGHTS["technical"]
KEY_POINT_SHARE = 0.5  # technical and design answers: half of the overall is key-point coverage
LOW_CAP = 15  # empty, off-topic and copied answers never score above this
KEYWORD_LIST_CAP = 30  # a bare list of terms shows recall, not an explanation
SHORT_WORDS = 12


def is_technical(question: Question) -> bool:
    """Technical and system design questions are scored on key-point coverage."""
    return question.interview_type in ("technical", "system_design")


def _clamp(value: float) -> int:
    return max(1, min(5, round(value)))


def _quote_words(words: list[str] | tuple[str, ...] | frozenset[str], limit: int = 3) -> str:
    shown = sorted(words)[:limit]
    return ", ".join(f"'{w}'" for w in shown)


def is_off_topic(question: Question, s: Signals) -> bool:
    """No meaningful overlap with the question or its key points."""
    return s.word_count >= 3 and not s.question_hits and s.key_points_hit == 0


def is_copied(s: Signals) -> bool:
    """The answer mostly repeats the question back."""
    if s.word_count == 0:
        return False
    return s.copy_ratio >= 0.6 or (s.novel_content < 4 and s.question_fraction >= 0.5)


def relevance(question: Question, s: Signals) -> CriterionScore:
    """How directly the answer addresses the question and its key points."""
    if is_technical(question):
        value = 0.3 * s.question_fraction + 0.7 * s.coverage
    else:
        value = 0.45 * s.question_fraction + 0.55 * s.coverage
    score = _clamp(1 + 4 * min(1.0, value / 0.7))
    if s.question_hits:
        detail = f"you engage with the question's own terms ({_quote_words(s.question_hits)})"
    else:
        detail = "you never pick up the question's own terms"
    total = len(s.key_point_hits)
    feedback = f"Relevance: {detail} and touch {s.key_points_hit} of {total} things a strong answer covers."
    return CriterionScore("relevance", score, feedback)


def structure(question: Question, s: Signals) -> CriterionScore:
    """STAR for stories, requirements-approach-trade-offs for technical answers, a clear shape otherwise."""
    if is_technical(question):
        parts = [p for p in ("requirements", "approach", "trade_offs", "sequence", "verification") if p in s.flow]
        score = _clamp(1 + len(parts))
        missing = [p.replace("_", "-") for p in ("requirements", "trade_offs") if p not in s.flow]
        if missing:
            feedback = f"The flow shows {len(parts)} of 5 steps, but you skip {' and '.join(missing)}."
        else:
            feedback = f"The flow is clear: requirements, then an approach, then trade-offs ({len(parts)} of 5 steps)."
    elif question.interview_type == "behavioural":
        names = ("situation", "task", "action", "result")
        present = [n for n, ok in zip(names, s.star) if ok]
        score = _clamp(1 + len(present) - (1 if s.word_count < 60 else 0))
        absent = [n for n in names if n not in present]
        feedback = (
            "The story follows STAR: situation, task, your actions and the result."
            if not absent
            else f"The STAR outline is missing the {', '.join(absent)} part{'s' if len(absent) > 1 else ''}."
        )
    else:
        reasons = bool(re.search(r"\b(?:because|since|which is why|that's why|the reason)\b", s.text))
        parts = sum((reasons, s.examples > 0 or s.situation > 0, s.results > 0 or bool(s.question_hits), s.sentence_count >= 3))
        score = _clamp(1 + parts)
        feedback = (
            "You give a direct answer, a reason and an example, which is easy to follow."
            if parts >= 3
            else "The answer needs a clearer shape: a direct answer, the reason behind it, then an example."
        )
    if s.word_count < SHORT_WORDS:
        score = 1
    if s.keyword_list:
        score, feedback = 1, "The answer is a list of terms rather than sentences, so there is no reasoning to follow."
    return CriterionScore("structure", score, feedback)


def specificity(question: Question, s: Signals) -> CriterionScore:
    """Numbers, names and concrete moments; key-point coverage for technical answers."""
    named = list(s.tech_terms)
    if is_technical(question):
        detail = min(1.0, (len(named) + min(s.numbers, 2)) / 4)
        score = _clamp(1 + 4 * (0.65 * s.coverage + 0.35 * detail))
        feedback = (
            f"You name concrete tools or techniques ({_quote_words(named)}) and cover {round(100 * s.coverage)}% of the key points."
            if named
            else f"You name no concrete tools or techniques and cover {round(100 * s.coverage)}% of the key points."
        )
    else:
        points = min(s.numbers, 2) + min(len(named) + s.proper_nouns, 2) + min(s.examples + s.situation, 2)
        score = _clamp(1 + 4 * min(1.0, points / 5))
        if points == 0:
            feedback = "There are no numbers, names or concrete moments, so the answer stays generic."
        else:
            feedback = f"You give {s.numbers} number{'s' if s.numbers != 1 else ''} and {s.concrete} kind{'s' if s.concrete != 1 else ''} of concrete detail to back the claims."
    if s.word_count < SHORT_WORDS:
        score = 1
    return CriterionScore("specificity", score, feedback)


def ownership(question: Question, s: Signals) -> CriterionScore:
    """How clearly the candidate's own part shows ('I' against 'we')."""
    mine, ours = s.first_person, s.we_count
    if mine == 0 and ours > 0:
        return CriterionScore("ownership", 1, f"You say 'we' or 'our' {ours} times and never 'I', so your own part is invisible.")
    if mine == 0:
        score = 3 if is_technical(question) and s.word_count >= 40 else 2
        return CriterionScore("ownership", score, "You never say what you yourself would do or have done.")
    share = mine / (mine + ours)
    score = _clamp(1 + 4 * min(1.0, mine / 5) * min(1.0, share / 0.5))
    if is_technical(question):
        score = max(score, 3)
    feedback = (
        f"You speak for yourself ('I' and 'my' {mine} times against 'we' {ours} times)."
        if share >= 0.5
        else f"'We' ({ours} times) outweighs 'I' ({mine} times), so your personal part is hard to see."
    )
    return CriterionScore("ownership", score, feedback)


def impact(question: Question, s: Signals) -> CriterionScore:
    """Results and measured outcomes; what each choice buys for technical answers."""
    if is_technical(question):
        points = min(s.consequences, 3) + min(s.metrics + s.numbers, 2)
        score = _clamp(1 + 4 * min(1.0, points / 4))
        feedback = (
            "You explain what each choice buys, such as latency, safety or cost."
            if points >= 3
            else "You rarely say what each choice buys or costs, such as latency, safety or load."
        )
    else:
        points = min(s.results, 2) + min(s.metrics, 2) + (1 if "learn" in s.text or "lesson" in s.text else 0)
        score = _clamp(1 + points)
        if s.metrics:
            feedback = f"You quantify the outcome ({s.metrics} measurable result{'s' if s.metrics > 1 else ''})."
        elif s.results:
            feedback = "You mention an outcome but never put a number on it."
        else:
            feedback = "You never say what changed as a result."
    if s.word_count < SHORT_WORDS:
        score = 1
    return CriterionScore("impact", score, feedback)


def delivery(question: Question, s: Signals) -> CriterionScore:
    """Length against the suggested range, filler words and rambling sentences."""
    low, high = LENGTH_RANGES[question.interview_type]
    words = s.word_count
    if words < low:
        score, note = 1 + 4 * words / low, f"At {words} words it is shorter than the {low}-{high} words that fit this question"
    elif words > high:
        score, note = max(2.0, 5 - 3 * (words - high) / high), f"At {words} words it runs past the {low}-{high} words that fit this question"
    else:
        score, note = 5.0, f"At {words} words the length suits the question"
    rate = 100 * s.fillers / max(1, words)
    if rate >= 6:
        score -= 2
    elif rate >= 2.5:
        score -= 1
    if s.sentence_count and words / s.sentence_count > 40:
        score -= 1
        note += " and the sentences are very long"
    filler_note = f", with {s.fillers} filler word{'s' if s.fillers != 1 else ''} such as 'um' or 'basically'" if s.fillers else ""
    return CriterionScore("delivery", _clamp(score), f"{note}{filler_note}.")


RULES = {"relevance": relevance, "structure": structure, "specificity": specificity, "ownership": ownership, "impact": impact, "delivery": delivery}


def score_criteria(question: Question, s: Signals) -> list[CriterionScore]:
    """All six criteria in CRITERIA order."""
    return [RULES[name](question, s) for name in CRITERIA]


def overall_score(question: Question, s: Signals, criteria: list[CriterionScore]) -> int:
    """Weighted 0-100 overall; technical and design answers weight key-point coverage heavily."""
    weights = WEIGHTS[question.interview_type]
    weighted = sum(weights[c.name] * (c.score - 1) / 4 for c in criteria)
    if is_technical(question) and question.key_points:
        weighted = KEY_POINT_SHARE * min(1.0, s.coverage / 0.8) + (1 - KEY_POINT_SHARE) * weighted
    overall = round(100 * weighted)
    if s.word_count < SHORT_WORDS:
        overall = min(overall, 20)
    if s.keyword_list:
        overall = min(overall, KEYWORD_LIST_CAP)
    return max(0, min(100, overall))


def uncovered_key_points(question: Question, s: Signals) -> list[str]:
    """Texts of the key points the answer never touches, in bank order."""
    return [kp.text for kp, hits in zip(question.key_points, s.key_point_hits) if not hits]


def stronger_answer(question: Question, s: Signals, criteria: list[CriterionScore]) -> str:
    """One 'A stronger answer would…' note aimed at the weakest areas."""
    missing = uncovered_key_points(question, s)
    advice = {
        "relevance": "answer the question asked head-on" + (f" and cover {missing[0][0].lower() + missing[0][1:]}" if missing else ""),
        "structure": "follow requirements, approach, then trade-offs" if is_technical(question) else "follow a clear shape: the situation, what you had to do, the steps you took and the result",
        "specificity": "name the concrete tools, numbers and moments that prove the point",
        "ownership": "say plainly what you personally decided and did, using 'I'",
        "impact": "explain what each choice buys and costs" if is_technical(question) else "finish with the result, ideally measured, and what you learned",
        "delivery": "stay within about one to three minutes and drop filler words",
    }
    weakest = sorted(criteria, key=lambda c: (c.score, CRITERIA.index(c.name)))[:2]
    parts = [advice[c.name] for c in weakest]
    if is_technical(question) and missing and not any(c.name == "relevance" for c in weakest):
        shown = "; ".join(m[0].lower() + m[1:] for m in missing[:2])
        parts.insert(0, f"cover {shown}")
        parts = parts[:2]
    return f"A stronger answer would {parts[0]}, and {parts[1]}."


def pick_evidence(question: Question, answer: str, limit: int = 3, max_words: int = 30) -> list[str]:
    """Up to `limit` short verbatim quotes from the answer that carry the most signal."""
    ranked = []
    for order, (start, end) in enumerate(sentence_spans(answer)):
        sentence = answer[start:end].strip()
        words = sentence.split()
        if len(words) < 3:
            continue
        lowered = normalise(sentence)
        weight = (
            2 * is_result_phrase(sentence)
            + 2 * is_action_phrase(sentence)
            + sum(1 for kp in question.key_points if keyword_hits(kp, lowered))
            + (1 if re.search(r"\d", sentence) else 0)
        )
        if weight:
            ranked.append((weight, order, _trim(sentence, max_words)))
    chosen = sorted(sorted(ranked, key=lambda r: (-r[0], r[1]))[:limit], key=lambda r: r[1])
    return [quote for _, _, quote in chosen if quote and quote in answer]


def _trim(sentence: str, max_words: int) -> str:
    """The sentence, or its first max_words words, as an exact substring."""
    matches = list(re.finditer(r"\S+", sentence))
    if len(matches) <= max_words:
        return sentence
    return sentence[: matches[max_words - 1].end()].rstrip(",;:")
