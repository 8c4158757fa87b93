"""`flask practice eval FILE.jsonl`: how well the configured (offline) scorer ranks the labelled answers."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


def run(app, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["practice", "eval", *args])


@pytest.mark.parametrize("kind", ["interview", "negotiation"])
def test_the_offline_scorer_ranks_labelled_answers_correctly_and_repeatably(app, kind: str):
    path = str(DATA / f"{kind}_eval.jsonl")
    first = run(app, path, "--json")
    assert first.exit_code == 0, first.output
    figures = json.loads(first.stdout)
    assert figures[kind]["pairs"] >= 20
    assert figures[kind]["pairwise_accuracy"] >= 0.9
    assert figures["overall"]["pairs"] == figures[kind]["pairs"]
    second = run(app, path, "--json")
    assert second.exit_code == 0
    assert second.stdout == first.stdout


def test_the_plain_report_names_the_scorer_and_each_kind(app):
    result = run(app, str(DATA / "interview_eval.jsonl"))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Scorer: Offline coach"
    assert lines[1].split()[:3] == ["interview", "pairwise", "accuracy"]
    assert any(line.startswith("negotiation") and "n/a over 0 pairs" in line for line in lines)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"kind": "interview", "question": "Q?", "answer": "A.", "label": "weak"}\n{not json\n',
         "bad.jsonl line 2: invalid JSON"),
        ('["a list", "not an object"]\n', "bad.jsonl line 1: expected a JSON object"),
        ('{"kind": "interview", "question": "Q?", "label": "weak"}\n', "bad.jsonl line 1: missing field(s) answer"),
        ('{"kind": "interview", "question": "Q?", "answer": "A.", "label": "excellent"}\n',
         "bad.jsonl line 1: unknown label 'excellent'"),
        ('{"kind": "essay", "question": "Q?", "answer": "A.", "label": "weak"}\n',
         "bad.jsonl line 1: unknown kind 'essay'"),
    ],
    ids=["invalid-json", "not-an-object", "missing-field", "unknown-label", "unknown-kind"],
)
def test_a_malformed_file_fails_with_a_clear_message(app, tmp_path: Path, content: str, message: str):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    result = run(app, str(path), "--json")
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_file_that_is_not_text_fails_cleanly(app, tmp_path: Path):
    path = tmp_path / "binary.jsonl"
    path.write_bytes(b"\xff\xfe\x00{\x00}")
    result = run(app, str(path), "--json")
    assert result.exit_code != 0
    assert result.output.startswith("Error:")
    assert "Traceback" not in result.output


def test_a_missing_file_is_a_usage_error(app, tmp_path: Path):
    result = run(app, str(tmp_path / "nowhere.jsonl"))
    assert result.exit_code == 2
    assert "does not exist" in result.output
