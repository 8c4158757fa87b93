"""Per-message tactic feedback, the debrief and the follow-up email."""
from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest

from webapp.practice.negotiation.counterpart import NegotiationState, OfflineCounterpart, accept
from webapp.practice.negotiation.debrief import outcome_share
from webapp.practice.negotiation.scenario import build_scenario
from webapp.practice.negotiation.scoring import debrief, follow_up_email, offer_timeline, score_message

EVAL_FILE = Path(__file__).parents[2] / "data" / "negotiation_eval.jsonl"
RANK = {"weak": 0, "average": 1, "strong": 2}
CONTEXT = {"offer": 52000, "currency": "GBP", "role": "backend-developer", "level": "mid"}


def _scenario():
    return build_scenario("backend-developer", "mid", "uk", "standard", 11)


@pytest.mark.parametrize(
    "opening, ceiling, final, walked, expected",
    [
        (50000, 60000, 55000, False, 0.5),
        (50000, 60000, 60000, False, 1.0),
        (50000, 60000, 50000, False, 0.0),
        (50000, 60000, 64000, False, 1.0),
        (50000, 60000, 48000, False, 0.0),
        (50000, 50000, 50000, False, 0.0),
        (50000, 60000, 58000, True, 0.0),
    ],
)
def test_outcome_share_formula(opening: int, ceiling: int, final: int, walked: bool, expected: float) -> None:
    assert outcome_share(opening, ceiling, final, walked) == pytest.approx(expected)


def test_debrief_uses_final_offer_and_walk_away() -> None:
    s = _scenario()
    state = NegotiationState.start(s)
    state.base = s.opening_base + (s.ceiling - s.opening_base) // 2
    result = debrief(s, state, [])
    assert result.outcome_share == pytest.approx((state.base - s.opening_base) / (s.ceiling - s.opening_base))
    assert result.final == state.base and result.ceiling == s.ceiling
    state.walked_away = True
    assert debrief(s, state, []).outcome_share == 0.0


GOOD_TRANSCRIPT = [
    ("manager", "We'd like to offer you the role."),
    ("candidate", "Thank you, I'm really pleased. Could you tell me what the overall package includes?"),
    ("manager", "Of course."),
    ("candidate", "I've researched similar roles on Glassdoor and they pay around £58,000. "
                  "I led the payments migration and cut incident rates by 40%, so I'd like £58,000."),
    ("manager", "I can move a little."),
    ("candidate", "If base is fixed, could we add an extra remote day and a signing bonus?"),
    ("manager", "Yes."),
    ("candidate", "Great, I'm happy to accept. Could you confirm everything in writing by email?"),
]


def test_every_tactic_is_detected_with_a_verbatim_quote() -> None:
    s = _scenario()
    state = NegotiationState.start(s)
    result = debrief(s, state, GOOD_TRANSCRIPT)
    candidate_text = [text for speaker, text in GOOD_TRANSCRIPT if speaker == "candidate"]
    by_id = {t.id: t for t in result.tactics}
    assert set(by_id) == {"research", "anchor", "countered", "value", "questions", "package", "professional",
                          "in_writing"}
    for tactic in result.tactics:
        assert tactic.achieved, tactic
        assert tactic.label and tactic.advice
        if tactic.id != "professional":
            assert tactic.evidence and any(tactic.evidence in text for text in candidate_text), tactic


def test_weak_transcript_misses_tactics_with_evidence() -> None:
    s = _scenario()
    state = NegotiationState.start(s)
    transcript = [
        ("candidate", "My rent is really high so I need more. This is pathetic."),
        ("candidate", "Fine, I accept."),
    ]
    by_id = {t.id: t for t in debrief(s, state, transcript).tactics}
    assert not by_id["countered"].achieved and not by_id["research"].achieved
    assert not by_id["value"].achieved and "rent" in by_id["value"].evidence
    assert not by_id["professional"].achieved and "pathetic" in by_id["professional"].evidence
    assert not by_id["in_writing"].achieved and by_id["in_writing"].evidence is None


def test_timid_anchor_is_not_credited() -> None:
    s = _scenario()
    transcript = [("candidate", f"Based on the market rate, I'd like £{s.opening_base + 500:,}.")]
    by_id = {t.id: t for t in debrief(s, NegotiationState.start(s), transcript).tactics}
    assert not by_id["anchor"].achieved and by_id["countered"].achieved


def test_debrief_after_a_real_negotiation() -> None:
    s = _scenario()
    state = NegotiationState.start(s)
    bot = OfflineCounterpart()
    for speaker, text in GOOD_TRANSCRIPT:
        if speaker == "candidate" and "accept" not in text:
            bot.respond(s, state, text)
    accept(s, state)
    result = debrief(s, state, GOOD_TRANSCRIPT)
    assert result.agreed and 0 < result.outcome_share <= 1
    assert result.timeline == offer_timeline(state) == state.base_history
    assert result.timeline[0] == s.opening_base and result.timeline[-1] == state.base
    assert result.summary


def test_follow_up_email_confirms_terms() -> None:
    s = _scenario()
    state = NegotiationState.start(s)
    state.base = s.opening_base + 2000
    state.agreed = True
    email = follow_up_email(s, state, "Sam Patel")
    assert f"£{state.base:,}" in email
    assert s.manager_name.split()[0] in email and "Sam Patel" in email
    assert "Start date" in email and "holiday" in email.lower()
    assert "[Your name]" in follow_up_email(s, state, None)


@pytest.mark.parametrize(
    "message, tactic",
    [
        ("Glassdoor and levels.fyi show similar roles pay more.", "market_research"),
        ("I led the rebuild of our API and reduced costs by 30%.", "value_framing"),
        ("My rent has gone up a lot, so I need more.", "need_framing"),
        ("Could you tell me what the package includes?", "asked_question"),
        ("Could we add a signing bonus and an extra remote day?", "whole_package"),
        ("Please could you confirm that in writing?", "in_writing"),
        ("This is a pathetic offer.", "unprofessional"),
        ("I'd like £58,000 for this role.", "ambitious_anchor"),
        ("I'd like £50,000 for this role.", "weak_anchor"),
        ("I'd like £150,000 for this role.", "absurd_anchor"),
        ("I'd like $60,000 for this role.", "foreign_currency"),
    ],
)
def test_message_tactics_have_verbatim_evidence(message: str, tactic: str) -> None:
    result = score_message(message, CONTEXT)
    assert tactic in result.tactics
    assert 0 <= result.score <= 100 and result.feedback
    assert result.evidence and all(quote in message for quote in result.evidence)


def test_anchor_ordering() -> None:
    reason = "Similar roles pay more according to my research, and I led our payments rebuild."
    ambitious = score_message(f"{reason} I'd like £58,000.", CONTEXT).score
    weak = score_message(f"{reason} I'd like £51,000.", CONTEXT).score
    absurd = score_message(f"{reason} I'd like £99,000.", CONTEXT).score
    assert ambitious > weak and ambitious > absurd


def test_empty_message_is_safe() -> None:
    result = score_message("", None)
    assert 0 <= result.score <= 100 and result.evidence == []


def _pairwise(rows: list[dict]) -> float:
    scores = [score_message(r["answer"], r["context"]).score for r in rows]
    total = hits = 0.0
    for (a, sa), (b, sb) in combinations(zip(rows, scores), 2):
        if a["label"] == b["label"]:
            continue
        better, worse = (sa, sb) if RANK[a["label"]] > RANK[b["label"]] else (sb, sa)
        total += 1
        hits += 1.0 if better > worse else 0.5 if better == worse else 0.0
    return hits / total


def test_eval_set_pairwise_accuracy() -> None:
    rows = [json.loads(line) for line in EVAL_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 24
    assert {r["label"] for r in rows} == set(RANK)
    assert all(r["kind"] == "negotiation" and r["question"] and r["answer"] for r in rows)
    assert _pairwise(rows) >= 0.9
