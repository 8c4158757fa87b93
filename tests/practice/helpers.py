"""Answers a candidate might type, written against the question that was actually asked, and small HTML readers."""
from __future__ import annotations

import html
import re

from webapp.practice.offline_signals import is_result_phrase
from webapp.practice.questions import default_bank
from webapp.practice.types import Question

_PRONOUNS = {"i", "me", "my", "you", "your", "we", "our", "us"}


def question_in(text: str) -> Question:
    """The bank question the hiring manager asked in this message (it is quoted after a short lead-in)."""
    found = [q for q in default_bank().questions if q.text in html.unescape(text)]
    assert found, f"no bank question in {text!r}"
    return max(found, key=lambda q: len(q.text))


def topic(question: Question) -> str:
    """The question's own words, without pronouns or outcome words, to keep an answer on topic."""
    words = re.findall(r"[A-Za-z'-]+", question.text)
    return " ".join(w for w in words if w.lower() not in _PRONOUNS and not is_result_phrase(w)).lower()


def we_only_answer(question: Question) -> str:
    """A story told entirely as 'we': the hiring manager should ask what *you* did."""
    return (f"On the subject of {topic(question)}: last year our team had exactly that. We talked it through, "
            "we agreed a plan with the product manager, we changed the deployment process and we shipped the fix "
            "on time, which reduced errors by 30% for our customers.")


def no_outcome_answer(question: Question) -> str:
    """A story with a situation and actions but no result: the hiring manager should ask for the outcome."""
    return (f"On the subject of {topic(question)}: at my last job I was working on the billing API with two other "
            "engineers. I noticed the problem during a sprint review, I wrote a short proposal, I organised a meeting "
            "with the team and I explained the options and the trade-offs to everyone.")


def vague_answer(question: Question) -> str:
    """Generalities with no example, numbers or names: the hiring manager should ask for an example."""
    return (f"On the subject of {topic(question)}, I generally try to stay calm, communicate openly and keep "
            "everyone aligned. I think honesty and patience matter most, and good teamwork usually sorts things out.")


def strong_story(question: Question) -> str:
    """A specific first-person STAR story with numbers and a result."""
    return (
        f"On {topic(question)}: at my last job at Parcelly, a logistics start-up, I owned the Python and Postgres "
        "services behind our delivery tracking API, used by 40,000 drivers. My goal was to fix a problem that kept "
        "paging the on-call engineer: the nightly billing export was timing out and customers got late invoices. "
        "I profiled the job, found an N+1 query, and I proposed a plan to the product manager with two options and "
        "their trade-offs. I rewrote the export to stream rows in batches, added a composite index, and I paired "
        "with a junior engineer so she could own it afterwards. As a result the export went from 3 hours to 12 "
        "minutes, late invoices dropped to zero and on-call pages fell by 60% the next quarter. I learned to "
        "measure first and to write the trade-offs down, which I have done on every project since."
    )


def strong_design(question: Question) -> str:
    """A structured design answer that covers the question's key points and names its trade-offs."""
    points = " ".join(f"{kp.text.rstrip('.')} — for example {', '.join(kp.keywords[:3])}."
                      for kp in question.key_points)
    return (
        f"For {topic(question)}, I would start by clarifying requirements: who the users are, about 10,000 "
        "requests per second at peak, reads far outnumbering writes, and a p99 latency target of 100 ms. "
        f"Then the approach. {points} "
        "The trade-off I would call out is consistency against availability: I would accept eventual consistency "
        "for reads, keep writes in Postgres with replicas, cache hot data in Redis, put work on a queue for "
        "background workers, and monitor with metrics and alerts. If it had to scale ten times, I would shard "
        "by user id first, because that keeps most queries on one node."
    )


def weak_answer(question: Question) -> str:
    """A short, generic answer that should score low but still be on topic."""
    return f"Um, {topic(question)}, basically I just did what was needed and it was fine, you know."


def texts_of(page: str, testid: str) -> list[str]:
    """The text inside each element with this data-testid (tags stripped, entities unescaped)."""
    out = []
    for match in re.finditer(rf'<(\w+)[^>]*data-testid="{re.escape(testid)}"[^>]*>(.*?)</\1>', page, re.S):
        out.append(html.unescape(re.sub(r"<[^>]+>", "", match.group(2))).strip())
    return out


def said(page: str, testid: str = "candidate-message") -> list[str]:
    """The words of each chat message with this data-testid, without the speaker's name."""
    out = []
    for block in re.split(rf'(?=<div[^>]*data-testid="{re.escape(testid)}")', page)[1:]:
        text = re.search(r'<span class="text">(.*?)</span>', block, re.S)
        out.append(html.unescape(text.group(1)).strip() if text else "")
    return out


def text_of(page: str, testid: str) -> str:
    found = texts_of(page, testid)
    assert found, f"no element with data-testid={testid}"
    return found[0]


def _attrs(tag: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in re.findall(r'([\w-]+)(?:="([^"]*)")?', tag[1:])}


def is_checked(page: str, name: str, value: str) -> bool:
    """Whether the radio button or checkbox `name` = `value` is checked."""
    for tag in re.findall(r"<input\b[^>]*>", page):
        attrs = _attrs(tag)
        if attrs.get("name") == name and attrs.get("value") == value:
            return "checked" in attrs
    raise AssertionError(f"no input {name}={value}")


def is_selected(page: str, name: str, value: str) -> bool:
    """Whether the option `value` of the select `name` is selected."""
    select = re.search(rf'<select\b[^>]*name="{re.escape(name)}".*?</select>', page, re.S)
    assert select, f"no <select name={name}>"
    for tag in re.findall(r"<option\b[^>]*>", select.group(0)):
        attrs = _attrs(tag)
        if attrs.get("value") == value:
            return "selected" in attrs
    raise AssertionError(f"{name} has no option {value}")


def options_of(page: str, name: str) -> set[str]:
    """The values a select offers."""
    select = re.search(rf'<select\b[^>]*name="{re.escape(name)}".*?</select>', page, re.S)
    assert select, f"no <select name={name}>"
    return {_attrs(tag).get("value", "") for tag in re.findall(r"<option\b[^>]*>", select.group(0))}
