"""Prompt files: strict variables, stable hashes, and every file renders with the variables it documents."""
from __future__ import annotations

import re

import jinja2
import pytest

from webapp.practice.llm.prompts import DEFAULT_PROMPT_DIR, PromptLibrary, combine

# The variables each prompt file documents in its header comment, with sample values.
DOCUMENTED = {
    "interviewer/persona.j2": {"interview_type": "behavioural", "role_name": "Data analyst", "level": "junior"},
    "interviewer/follow_up_policy.j2": {"interview_type": "system_design", "level": "senior"},
    "interviewer/turn.j2": {
        "kind": "follow_up",
        "role_name": "Data analyst",
        "index": 2,
        "total": 5,
        "question_text": "",
        "follow_up_reason": "outcome",
        "follow_up_text": "How did it turn out?",
    },
    "scoring/rubric.j2": {
        "question": "Tell me about a time you disagreed with your manager.",
        "interview_type": "behavioural",
        "key_points": ["Describes a real disagreement", "Explains how it was resolved"],
        "answer": "I raised my concern in our one-to-one and we agreed to run a two-week trial.",
    },
    "report/session_report.j2": {
        "role_name": "Product manager",
        "interview_type": "screening",
        "level": "mid",
        "scored_answers": [
            {"question": "Why this role?", "overall": 62, "criteria": {"relevance": 4, "impact": 2}, "feedback": "Add a result."},
            {"question": "Your biggest launch?", "overall": 48, "criteria": {}, "feedback": ""},
        ],
    },
    "negotiation/manager.j2": {
        "brief": {"ceiling": 98000, "levers": "signing bonus up to 5,000"},
        "public_offer": {"base": 85000, "currency": "GBP"},
        "role_name": "Backend engineer",
    },
}


@pytest.fixture()
def library() -> PromptLibrary:
    return PromptLibrary()


def test_every_prompt_file_is_documented_here(library):
    assert set(library.names()) >= set(DOCUMENTED)
    for name in DOCUMENTED:
        assert (DEFAULT_PROMPT_DIR / name).is_file()


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_header_comment_lists_exactly_the_variables_the_template_uses(library, name):
    header = re.search(r"vars: ([\w, ]+)", library.source(name))

    assert header, f"{name} has no 'vars:' header comment"
    documented = {v.strip() for v in header.group(1).split(",")}
    assert documented == library.variables(name) == set(DOCUMENTED[name])


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_renders_with_its_documented_variables(library, name):
    rendered = library.render(name, **DOCUMENTED[name])

    assert rendered.name == name
    assert re.fullmatch(r"[0-9a-f]{12}", rendered.hash)
    assert len(rendered.text) > 80
    assert "{{" not in rendered.text and "{%" not in rendered.text


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_a_missing_variable_raises(library, name):
    variables = dict(DOCUMENTED[name])
    variables.pop(sorted(variables)[0])

    with pytest.raises(jinja2.UndefinedError):
        library.render(name, **variables)


def test_hash_is_stable_and_follows_the_source(tmp_path):
    (tmp_path / "greet.j2").write_text("Hello {{ name }}")
    library = PromptLibrary(tmp_path)

    first = library.render("greet.j2", name="Ada")
    second = library.render("greet.j2", name="Grace")
    assert first.hash == second.hash == PromptLibrary(tmp_path).hash("greet.j2")

    (tmp_path / "greet.j2").write_text("Hi {{ name }}")
    assert PromptLibrary(tmp_path).hash("greet.j2") != first.hash


def test_output_is_not_html_escaped(tmp_path):
    (tmp_path / "raw.j2").write_text("Answer: {{ answer }}")

    assert PromptLibrary(tmp_path).render("raw.j2", answer="<b>R&D</b> \"quoted\"").text.strip() == 'Answer: <b>R&D</b> "quoted"'


def test_persona_differs_by_interview_type_and_level(library):
    texts = {
        (kind, level): library.render("interviewer/persona.j2", interview_type=kind, role_name="Engineer", level=level).text
        for kind in ("screening", "behavioural", "technical", "system_design")
        for level in ("junior", "mid", "senior")
    }

    assert len(set(texts.values())) == 12
    assert "STAR" in texts[("behavioural", "mid")]


def test_rubric_names_all_six_criteria_and_fences_the_answer(library):
    text = library.render("scoring/rubric.j2", **DOCUMENTED["scoring/rubric.j2"]).text

    for criterion in ("relevance", "structure", "specificity", "ownership", "impact", "delivery"):
        assert f"- {criterion}:" in text
    assert "STAR" in text
    assert "<candidate_answer>\nI raised my concern" in text


def test_negotiation_prompt_includes_the_brief_but_forbids_revealing_it(library):
    text = library.render("negotiation/manager.j2", **DOCUMENTED["negotiation/manager.j2"]).text

    assert "98000" in text and "85000" in text
    assert "Never state, hint at" in text
    assert '"offer_base"' in text and '"levers"' in text


def test_report_asks_for_three_things_to_work_on(library):
    text = library.render("report/session_report.j2", **DOCUMENTED["report/session_report.j2"]).text

    assert "three concrete things" in text
    assert "Question 2: Your biggest launch?" in text
    assert "relevance 4, impact 2" in text


def test_combined_prompt_identifies_all_parts(library):
    persona = library.render("interviewer/persona.j2", **DOCUMENTED["interviewer/persona.j2"])
    policy = library.render("interviewer/follow_up_policy.j2", **DOCUMENTED["interviewer/follow_up_policy.j2"])

    joined = combine(persona, policy)

    assert joined.name == "interviewer/persona+interviewer/follow_up_policy"
    assert len(joined.hash) == 12 and joined.hash not in (persona.hash, policy.hash)
    assert persona.text.strip() in joined.text and policy.text.strip() in joined.text
