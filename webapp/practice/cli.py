"""`flask practice eval FILE.jsonl`: how well the configured scorer ranks labelled answers."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from webapp.practice.types import Question, ScoreResult

practice_cli = AppGroup("practice", help="Practice tools.")


class _ResultOnly:
    """Adapts the app's coach (which also reports model calls) to the plain Scorer interface."""

    def __init__(self, coach) -> None:  # type: ignore[no-untyped-def]
        self.coach = coach

    def score(self, question: Question, answer: str) -> ScoreResult:
        return self.coach.score(question, answer).result


@practice_cli.command("eval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_command(path: str, as_json: bool) -> None:
    """Score every line of PATH and report pairwise accuracy by kind."""
    from webapp.practice.coach import get_coach
    from webapp.practice.evaluation import evaluate, interview_score_fn, load_jsonl
    from webapp.practice.negotiation import score_message
    from webapp.practice.questions import default_bank

    try:
        records = load_jsonl(path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    coach = get_coach()
    result = evaluate(
        records,
        interview_score_fn(_ResultOnly(coach), default_bank()),
        lambda record: float(score_message(record["answer"], record.get("context") or {}).score),
    )
    if as_json:
        click.echo(json.dumps(result, sort_keys=True))
        return
    click.echo(f"Scorer: {coach.label}")
    for kind in ("interview", "negotiation", "overall"):
        figures = result[kind]
        accuracy = figures["pairwise_accuracy"]
        shown = "n/a" if accuracy is None else f"{accuracy:.4f}"
        click.echo(f"{kind:12} pairwise accuracy {shown} over {figures['pairs']} pairs")
