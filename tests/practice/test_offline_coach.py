"""The offline coach: deterministic rubric scores, honest low scores, follow-up rules and phrasing."""
from __future__ import annotations

import pytest

from webapp.practice.offline_coach import OfflineInterviewer, OfflineScorer, detect_follow_up
from webapp.practice.questions import default_bank
from webapp.practice.types import CRITERIA, FollowUp, Question

BANK = default_bank()
SCORER = OfflineScorer(BANK)
CONFLICT = BANK.get("beh-conflict-01")
INDEX = BANK.get("tech-db-index-01")
RATE_LIMITER = BANK.get("sd-rate-limiter-01")
INTRO = BANK.get("scr-intro-01")

STRONG_CONFLICT = (
    "At my last company, a fintech, I disagreed with a senior teammate about whether to introduce Kafka or keep our "
    "Postgres-backed job queue for a new reconciliation service. He preferred Kafka because it would scale; my position "
    "was that at about 2,000 jobs a day the operational cost wasn't worth it. I suggested we each write a one-page "
    "summary of the trade-offs, and I built a quick benchmark showing Postgres handled 50 times our peak load. We met "
    "with our lead and agreed to stay on Postgres with a clear threshold for revisiting. As a result we shipped two "
    "weeks earlier and the service has run for a year without a queue incident. I learned that writing down the "
    "trade-offs takes the heat out of a disagreement."
)
WEAK_CONFLICT = "We disagreed sometimes but we always talked it through as a team and it was fine in the end."
STRONG_INDEX = (
    "Most relational databases, Postgres for example, store an index as a B-tree: a sorted structure keyed on the "
    "indexed columns, so a lookup walks the tree instead of doing a full table scan. I'd add one on the columns used in "
    "WHERE clauses, joins and ORDER BY. The trade-off is on writes: every insert and update has to maintain each index, "
    "so a write-heavy table gets slower, and indexes take disk and memory. An index on a low-selectivity column like a "
    "boolean often isn't used at all, so I'd check the query plan with EXPLAIN ANALYZE before and after."
)
WEAK_INDEX = "An index makes the database faster, so you should add them to your tables. I don't think they make things worse."
OFF_TOPIC = "I really enjoy cooking Italian food at weekends and going hiking in the hills with my dog and my family."


def test_scoring_is_deterministic() -> None:
    first = SCORER.score(CONFLICT, STRONG_CONFLICT)
    second = OfflineScorer(BANK).score(CONFLICT, STRONG_CONFLICT)
    assert first == second


@pytest.mark.parametrize("answer", [STRONG_CONFLICT, WEAK_CONFLICT, OFF_TOPIC, "", "um"])
def test_result_shape(answer: str) -> None:
    result = SCORER.score(CONFLICT, answer)
    assert [c.name for c in result.criteria] == list(CRITERIA)
    assert all(1 <= c.score <= 5 and c.feedback for c in result.criteria)
    assert 0 <= result.overall <= 100
    assert result.stronger_answer.startswith("A stronger answer would")
    assert result.scorer == "offline"
    assert result.version == f"{BANK.version}/offline-rubric-1"
    assert len(result.evidence) <= 3
    assert all(quote and quote in answer for quote in result.evidence)


def test_evidence_quotes_are_verbatim() -> None:
    answer = STRONG_CONFLICT.replace(". ", ".\n  ")  # odd spacing must not break the quotes
    result = SCORER.score(CONFLICT, answer)
    assert 1 <= len(result.evidence) <= 3
    assert all(quote in answer for quote in result.evidence)


@pytest.mark.parametrize("answer", ["", "   \n\t ", "\u200b\u200b"])
def test_empty_answers_score_zero_and_say_why(answer: str) -> None:
    result = SCORER.score(CONFLICT, answer)
    assert result.overall == 0
    assert "empty" in result.flags
    assert "No answer was given" in result.feedback


def test_off_topic_answer_scores_low_and_says_why() -> None:
    result = SCORER.score(CONFLICT, OFF_TOPIC)
    assert result.overall <= 20
    assert "off_topic" in result.flags
    assert "off-topic" in result.feedback
    assert result.criterion("relevance").score == 1  # type: ignore[union-attr]


def test_copied_question_scores_low_and_says_why() -> None:
    answer = CONFLICT.text + " Yes, I disagreed with a teammate about a technical decision."
    result = SCORER.score(CONFLICT, answer)
    assert result.overall <= 20
    assert "copied_question" in result.flags
    assert "repeats the question" in result.feedback


@pytest.mark.parametrize(
    ("question", "strong", "weak"),
    [(CONFLICT, STRONG_CONFLICT, WEAK_CONFLICT), (INDEX, STRONG_INDEX, WEAK_INDEX)],
)
def test_strong_beats_weak(question: Question, strong: str, weak: str) -> None:
    high, low = SCORER.score(question, strong), SCORER.score(question, weak)
    assert high.overall >= 70
    assert low.overall <= 45
    assert high.overall - low.overall >= 30


def test_technical_score_tracks_key_point_coverage() -> None:
    partial = "I'd use a B-tree index so lookups avoid a full table scan, on the columns in the WHERE clause."
    assert SCORER.score(INDEX, partial).overall < SCORER.score(INDEX, STRONG_INDEX).overall
    assert "missing_key_points" in SCORER.score(INDEX, partial).flags


def test_we_only_answer_scores_lowest_ownership() -> None:
    result = SCORER.score(CONFLICT, WEAK_CONFLICT)
    assert result.criterion("ownership").score == 1  # type: ignore[union-attr]
    assert "we_only" in result.flags


def test_filler_words_hurt_delivery() -> None:
    clean = "I'm a backend developer with four years of experience building Python APIs at a logistics start-up, and I'm looking for a bigger team."
    filler = "Um, so, basically I'm, like, a backend developer, you know, with four years of, um, experience, basically building Python APIs, and I mean I'm looking for, like, a bigger team."
    assert SCORER.score(INTRO, filler).criterion("delivery").score < SCORER.score(INTRO, clean).criterion("delivery").score  # type: ignore[union-attr]
    assert "filler" in SCORER.score(INTRO, filler).flags


# Follow-up rules ------------------------------------------------------------------------------------------


def reason(question: Question, answer: str) -> str | None:
    follow_up = detect_follow_up(question, answer)
    return follow_up.reason if follow_up else None


def test_solid_answers_need_no_follow_up() -> None:
    assert detect_follow_up(CONFLICT, STRONG_CONFLICT) is None
    assert detect_follow_up(INDEX, STRONG_INDEX) is None


def test_empty_and_short_answers_ask_for_an_example() -> None:
    assert reason(CONFLICT, "") == "example"
    assert reason(CONFLICT, "It went fine.") == "example"


def test_missing_outcome() -> None:
    answer = (
        "Last year at my previous company I disagreed with a colleague about using MongoDB for a billing feature. "
        "I argued for Postgres because the data was relational, and I wrote a short comparison document for the team "
        "and walked my colleague through it in a meeting with our lead."
    )
    follow_up = detect_follow_up(CONFLICT, answer)
    assert follow_up == FollowUp("outcome", follow_up.text) and "outcome" in follow_up.text  # type: ignore[union-attr]


def test_we_only_answer_asks_about_ownership_before_outcome() -> None:
    answer = (
        "Last year our team disagreed about using MongoDB for billing. We argued about it for a week, then we wrote "
        "a comparison document and we met with the architects to talk it through with everyone."
    )
    follow_up = detect_follow_up(CONFLICT, answer)
    assert follow_up is not None and follow_up.reason == "ownership"
    assert "you personally" in follow_up.text


def test_vague_answer_asks_for_an_example() -> None:
    question = BANK.get("scr-strengths-01")
    answer = "I think my greatest strength is that I am a hard worker and a good communicator who gets on with people."
    assert reason(question, answer) == "example"  # type: ignore[arg-type]


def test_story_question_without_a_story_asks_for_an_example_not_an_outcome() -> None:
    answer = "I can't really think of a disagreement like that. I'm quite easy going and happy to go with the flow generally."
    assert reason(CONFLICT, answer) == "example"


def test_technical_answer_missing_key_points_gets_a_key_point_probe() -> None:
    follow_up = detect_follow_up(INDEX, "An index makes the database faster, a bit like the index at the back of a book.")
    assert follow_up is not None and follow_up.reason == "key_point"
    assert "b-tree" in follow_up.text.lower()  # the first uncovered key point, phrased as a question
    covered_first = detect_follow_up(INDEX, "An index makes lookups faster, a bit like the index at the back of a book.")
    assert covered_first is not None and "composite index" in covered_first.text  # the bank's follow-up for the next one


def test_key_point_probe_prefers_the_banks_own_follow_up() -> None:
    answer = "I'd use a token bucket in Redis and return 429 with a Retry-After header when a client runs out of tokens."
    follow_up = detect_follow_up(RATE_LIMITER, answer)
    if follow_up is not None:  # enough key points may already be covered
        assert follow_up.reason == "key_point"
    partial = "I'd count requests and block a client when they send too many, using a fixed window."
    follow_up = detect_follow_up(RATE_LIMITER, partial)
    assert follow_up is not None and follow_up.reason == "key_point"
    assert follow_up.text == "How would you limit per customer and per endpoint?"


# Interviewer phrasing -------------------------------------------------------------------------------------


def test_interviewer_is_deterministic_and_varies_lead_ins() -> None:
    interviewer = OfflineInterviewer()
    opening = interviewer.opening("behavioural", "Backend Developer", "mid")
    assert "mid-level Backend Developer" in opening and "behavioural" in opening
    assert opening == OfflineInterviewer().opening("behavioural", "Backend Developer", "mid")
    asks = [interviewer.ask(CONFLICT, index, 5) for index in range(1, 6)]  # type: ignore[arg-type]
    assert all(ask.endswith(CONFLICT.text) for ask in asks)  # type: ignore[union-attr]
    assert len(set(asks)) >= 4
    assert asks[-1].startswith("Last question")
    assert interviewer.follow_up(FollowUp("outcome", "And what was the outcome?")) == "And what was the outcome?"
    assert interviewer.wrap_up()


@pytest.mark.parametrize("interview_type", ["screening", "behavioural", "technical", "system_design"])
def test_openings_describe_each_format(interview_type: str) -> None:
    opening = OfflineInterviewer().opening(interview_type, "Software Engineer", "senior")
    assert "senior Software Engineer" in opening
    assert opening.count(".") <= 3


def test_a_bare_keyword_list_cannot_game_the_key_points() -> None:
    stuffed = "B-tree, sorted, full table scan, where clause, join, order by, writes, insert, storage, selectivity, explain, query plan."
    result = SCORER.score(INDEX, stuffed)
    assert "keyword_list" in result.flags
    assert result.overall <= 30
    assert result.criterion("structure").score == 1  # type: ignore[union-attr]
    assert result.overall < SCORER.score(INDEX, STRONG_INDEX).overall
