"""The scorer evaluation harness: pairwise maths, the eval file format and the offline coach's accuracy."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from webapp.practice.evaluation import adhoc_question, evaluate, guess_interview_type, interview_score_fn, load_jsonl
from webapp.practice.offline_coach import OfflineScorer
from webapp.practice.questions import default_bank

EVAL_SET = Path(__file__).resolve().parents[1] / "data" / "interview_eval.jsonl"


def rec(question: str, label: str, score: float, kind: str = "interview") -> dict:
    return {"kind": kind, "question": question, "answer": f"answer {score}", "label": label, "score": score}


def by_score(record: dict) -> float:
    return record["score"]


def test_pairs_only_within_the_same_question_and_kind() -> None:
    records = [
        rec("Q1", "weak", 10), rec("Q1", "average", 50), rec("Q1", "strong", 40),  # one of three pairs wrong
        rec("q1 ", "strong", 90),  # same question after normalising: two more pairs (strong-strong is skipped)
        rec("Q2", "strong", 1),  # alone with its question: no pairs
    ]
    report = evaluate(records, by_score, None)
    assert report["interview"] == {"pairwise_accuracy": 0.8, "pairs": 5}
    assert report["negotiation"] == {"pairwise_accuracy": None, "pairs": 0}
    assert report["overall"] == {"pairwise_accuracy": 0.8, "pairs": 5}


def test_ties_count_half_and_same_labels_are_skipped() -> None:
    records = [rec("Q", "weak", 30), rec("Q", "strong", 30), rec("Q", "strong", 80)]
    report = evaluate(records, by_score, None)
    assert report["interview"] == {"pairwise_accuracy": 0.75, "pairs": 2}


def test_negotiation_pairs_ignore_the_question() -> None:
    records = [
        {"kind": "negotiation", "answer": "a", "label": "weak", "score": 1},
        {"kind": "negotiation", "answer": "b", "label": "average", "score": 3},
        {"kind": "negotiation", "answer": "c", "label": "strong", "score": 2},
        rec("Q", "weak", 0), rec("Q", "strong", 1),
    ]
    report = evaluate(records, by_score, by_score)
    assert report["negotiation"] == {"pairwise_accuracy": round(2 / 3, 4), "pairs": 3}
    assert report["interview"] == {"pairwise_accuracy": 1.0, "pairs": 1}
    assert report["overall"] == {"pairwise_accuracy": 0.75, "pairs": 4}


def test_no_pairs_gives_null_accuracy() -> None:
    report = evaluate([rec("Q", "weak", 1), rec("Q", "weak", 2)], by_score, by_score)
    assert all(report[kind] == {"pairwise_accuracy": None, "pairs": 0} for kind in ("interview", "negotiation", "overall"))
    assert evaluate([], by_score, None)["overall"]["pairs"] == 0


def write_lines(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_jsonl_defaults_kind_and_skips_blank_lines(tmp_path: Path) -> None:
    path = write_lines(tmp_path, [json.dumps({"question": "Q", "answer": "A", "label": "weak"}), ""])
    assert load_jsonl(path) == [{"question": "Q", "answer": "A", "label": "weak", "kind": "interview"}]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 2: invalid JSON"),
        (json.dumps({"question": "Q", "answer": "A", "label": "great"}), "line 2: unknown label 'great'"),
        (json.dumps({"question": "Q", "label": "weak"}), "line 2: missing field(s) answer"),
        (json.dumps({"kind": "chat", "label": "weak"}), "line 2: unknown kind 'chat'"),
        (json.dumps(["a", "list"]), "line 2: expected a JSON object"),
    ],
)
def test_load_jsonl_names_the_bad_line(tmp_path: Path, line: str, message: str) -> None:
    good = json.dumps({"question": "Q", "answer": "A", "label": "weak"})
    with pytest.raises(ValueError, match=re.escape(message)):
        load_jsonl(write_lines(tmp_path, [good, line]))


def test_adhoc_questions() -> None:
    assert guess_interview_type("Describe a time you led a migration.") == "behavioural"
    assert guess_interview_type("Tell me about a time you failed.") == "behavioural"
    assert guess_interview_type("What is a mutex?") == "technical"
    question = adhoc_question({"question": "Why product?", "context": {"interview_type": "screening"}})
    assert question.interview_type == "screening" and question.id.startswith("adhoc-")
    assert adhoc_question({"question": "Why product?"}).id == question.id


def test_shipped_eval_set_is_broad_enough() -> None:
    records = load_jsonl(EVAL_SET)
    questions = {r["question"] for r in records}
    assert len(records) >= 40
    assert len(questions) >= 12
    bank = default_bank()
    from_bank = {q for q in questions if bank.find_by_text(q)}
    assert len(from_bank) >= len(questions) - 2
    types = {bank.find_by_text(q).interview_type for q in from_bank}  # type: ignore[union-attr]
    assert types == {"screening", "behavioural", "technical", "system_design"}
    for question in questions:
        assert {r["label"] for r in records if r["question"] == question} == {"weak", "average", "strong"}


def test_offline_scorer_ranks_the_eval_set() -> None:
    records = load_jsonl(EVAL_SET)
    bank = default_bank()
    first = evaluate(records, interview_score_fn(OfflineScorer(bank), bank), None)
    second = evaluate(records, interview_score_fn(OfflineScorer(bank), bank), None)
    assert first == second
    assert first["interview"]["pairs"] >= 48
    assert first["interview"]["pairwise_accuracy"] >= 0.9
