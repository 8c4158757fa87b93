"""The built-in offline coach: a deterministic rubric scorer, follow-up rules and interviewer phrasing."""
from __future__ import annotations

import logging
import re

from webapp.practice.injection import cap_for_injection, detect_injection, strip_injection
from webapp.practice.offline_rubric import (
    LOW_CAP,
    SHORT_WORDS,
    is_copied,
    is_off_topic,
    is_technical,
    overall_score,
    pick_evidence,
    score_criteria,
    stronger_answer,
    uncovered_key_points,
)
from webapp.practice.offline_signals import Signals, keyword_hits, normalise, read_signals
from webapp.practice.questions import QuestionBank, default_bank
from webapp.practice.types import CRITERIA, CRITERION_LABELS, CriterionScore, FollowUp, Question, ScoreResult

logger = logging.getLogger(__name__)

RUBRIC_VERSION = "offline-rubric-1"
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")


class OfflineScorer:
    """Scores answers with a transparent keyword-and-structure rubric; no network, no randomness."""

    name = "offline"

    def __init__(self, bank: QuestionBank | None = None) -> None:
        self.version = f"{(bank or default_bank()).version}/{RUBRIC_VERSION}"

    def score(self, question: Question, answer: str) -> ScoreResult:
        """Score one answer to one question."""
        answer = answer or ""
        logger.debug("Scoring answer to %s: %r", question.id, answer)
        result = self._score_plain(question, answer)
        matches = detect_injection(answer)
        if matches:
            honest_text = strip_injection(answer)
            honest = self._score_plain(question, honest_text).overall if honest_text.strip() else 0
            result = cap_for_injection(result, matches, honest_overall=honest)
        return result

    def _score_plain(self, question: Question, answer: str) -> ScoreResult:
        if not _INVISIBLE.sub("", answer).strip():
            return self._empty()
        signals = read_signals(question, answer)
        if is_copied(signals):
            return self._rejected(
                question, answer, "copied_question",
                "The answer mostly repeats the question back instead of answering it.",
            )
        if is_off_topic(question, signals):
            return self._rejected(
                question, answer, "off_topic",
                "The answer is off-topic: it shares no terms with the question and covers none of the points it asks about.",
            )
        criteria = score_criteria(question, signals)
        overall = overall_score(question, signals, criteria)
        return ScoreResult(
            criteria=criteria,
            overall=overall,
            feedback=_summary(criteria, overall),
            stronger_answer=stronger_answer(question, signals, criteria),
            evidence=pick_evidence(question, answer),
            flags=_flags(question, signals),
            scorer=self.name,
            version=self.version,
        )

    def _empty(self) -> ScoreResult:
        why = "No answer was given, so there is nothing to assess."
        return ScoreResult(
            criteria=[CriterionScore(name, 1, why) for name in CRITERIA],
            overall=0,
            feedback=why + " Even a short, honest attempt earns more than silence.",
            stronger_answer="A stronger answer would actually respond: a direct answer, a concrete example and the result.",
            flags=["empty"],
            scorer=self.name,
            version=self.version,
        )

    def _rejected(self, question: Question, answer: str, flag: str, why: str) -> ScoreResult:
        signals = read_signals(question, answer)
        criteria = [CriterionScore("relevance", 1, why)] + [
            CriterionScore(name, 1, f"Not credited: {why[0].lower()}{why[1:]}") for name in CRITERIA[1:]
        ]
        overall = min(LOW_CAP, round(LOW_CAP * min(1.0, signals.word_count / 120)))
        return ScoreResult(
            criteria=criteria,
            overall=overall,
            feedback=f"{why} That is why it scores {overall}/100.",
            stronger_answer=f"A stronger answer would respond to what was asked — {question.text!r} — with your own example and its result.",
            evidence=[],
            flags=[flag] + (["too_short"] if signals.word_count < SHORT_WORDS else []),
            scorer=self.name,
            version=self.version,
        )


def _summary(criteria: list[CriterionScore], overall: int) -> str:
    best = max(criteria, key=lambda c: (c.score, -CRITERIA.index(c.name)))
    worst = min(criteria, key=lambda c: (c.score, CRITERIA.index(c.name)))
    if best.score == worst.score:
        return f"Overall {overall}/100, level across the board at {best.score}/5: {worst.feedback}"
    return (
        f"Overall {overall}/100. Strongest on {CRITERION_LABELS[best.name].lower()} ({best.score}/5); "
        f"weakest on {CRITERION_LABELS[worst.name].lower()} ({worst.score}/5): {worst.feedback}"
    )


def _flags(question: Question, s: Signals) -> list[str]:
    flags = []
    if s.word_count < SHORT_WORDS:
        flags.append("too_short")
    if s.first_person == 0 and s.we_count > 0:
        flags.append("we_only")
    if _is_story(question) and s.results == 0 and s.metrics == 0:
        flags.append("no_result")
    if s.fillers and 100 * s.fillers / max(1, s.word_count) >= 2.5:
        flags.append("filler")
    if is_technical(question) and question.key_points and s.coverage < 0.5:
        flags.append("missing_key_points")
    if s.keyword_list:
        flags.append("keyword_list")
    return flags


def _is_story(question: Question) -> bool:
    """Questions that ask for a past experience, where an outcome is expected."""
    if question.interview_type == "behavioural":
        return True
    if question.interview_type != "screening":
        return False
    return bool(re.search(r"^(?:tell me about a |describe a )|\bproject\b|\bimpact\b", question.text.lower()))


def detect_follow_up(question: Question, answer: str) -> FollowUp | None:
    """The probe a hiring manager would make after this answer, or None when it is solid.

    Precedence: an empty, very short, copied or off-topic answer asks for an example. Technical and system design
    answers that miss most key points get a key-point probe, then vague ones get an example probe.
    Behavioural and screening answers check ownership ('we' but never 'I') first; then, for questions
    about past experiences, a missing story (no situation or action) asks for an example and a missing
    outcome asks for the outcome; finally vagueness (no example, numbers or names) asks for an example.
    """
    if not _INVISIBLE.sub("", answer or "").strip():
        return FollowUp("example", "I didn't catch an answer there. Can you give me a concrete example?")
    s = read_signals(question, answer)
    if s.word_count < SHORT_WORDS:
        return FollowUp("example", "Can you give me a concrete example? Walk me through a specific case.")
    if is_copied(s) or is_off_topic(question, s):
        return FollowUp("example", "Let's come back to the question. Can you give me a concrete example from your own work?")
    if is_technical(question):
        missing = uncovered_key_points(question, s)
        if question.key_points and s.coverage < 0.5 and missing:
            return FollowUp("key_point", _key_point_probe(question, missing[0]))
        if not s.tech_terms and s.numbers == 0 and s.examples == 0:
            return FollowUp("example", "Can you give me a concrete example, say a specific tool or a case you've dealt with?")
        return None
    if s.first_person == 0 and s.we_count > 0:
        return FollowUp("ownership", "You've described what the team did. What did you personally do?")
    if _is_story(question) and s.situation == 0 and s.actions == 0 and s.examples == 0:
        return FollowUp("example", "Can you give me a concrete example? Pick one specific time and walk me through it.")
    if _is_story(question) and s.results == 0 and s.metrics == 0:
        return FollowUp("outcome", "And what was the outcome? What changed because of what you did?")
    if s.concrete == 0 or (s.numbers == 0 and s.examples == 0 and s.situation == 0):
        return FollowUp("example", "Can you give me a concrete example, with a specific situation or some numbers?")
    return None


def _key_point_probe(question: Question, key_point_text: str) -> str:
    """Ask about one uncovered key point, preferring a bank follow-up that mentions it."""
    key_point = next(kp for kp in question.key_points if kp.text == key_point_text)
    for follow_up in question.follow_ups:
        if keyword_hits(key_point, normalise(follow_up)):
            return follow_up
    phrase = key_point_text[0].lower() + key_point_text[1:]
    return f"One thing you haven't covered: {phrase}. How would you approach that?"


_LEVEL_LABELS = {"junior": "junior", "mid": "mid-level", "senior": "senior"}
_FORMATS = {
    "screening": ("a short screening call", "I'd like to hear about your background and what you're looking for next."),
    "behavioural": ("a behavioural interview", "I'll ask about real situations from your work; specific stories with your own actions and results work best."),
    "technical": ("a technical interview", "Talk me through your reasoning as you go, not just the final answer."),
    "system_design": ("a system design interview", "For each problem, clarify the requirements, sketch an approach and talk me through the trade-offs."),
}
_LEAD_INS = ("Next question.", "Moving on.", "Let's switch to something different.", "Here's another one.")


class OfflineInterviewer:
    """Phrases what the hiring manager says, the same way every time."""

    name = "offline"

    def opening(self, interview_type: str, role_name: str, level: str) -> str:
        """A friendly introduction to the session."""
        level_label = _LEVEL_LABELS.get(level, level)
        kind, guidance = _FORMATS.get(interview_type, ("a practice interview", "Take your time with each answer."))
        return f"Hi, thanks for joining — this is {kind} for a {level_label} {role_name} role. {guidance}"

    def ask(self, question: Question, index: int, total: int) -> str:
        """The question with a short lead-in that depends on its position."""
        if index <= 1:
            lead = "Let's start."
        elif total and index >= total:
            lead = "Last question."
        else:
            lead = _LEAD_INS[(index - 2) % len(_LEAD_INS)]
        return f"{lead} {question.text}"

    def follow_up(self, follow_up: FollowUp) -> str:
        """The follow-up probe as spoken."""
        return follow_up.text

    def wrap_up(self) -> str:
        """The closing line of the interview."""
        return "That's all my questions. Thanks for your time today; your feedback for each answer is ready below."
