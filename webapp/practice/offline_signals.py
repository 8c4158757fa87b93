"""Plain-text signals the offline coach reads from an answer: overlap, key points, STAR, numbers, fillers."""
from __future__ import annotations

import difflib
import functools
import logging
import re
from dataclasses import dataclass

from webapp.practice.types import KeyPoint, Question

logger = logging.getLogger(__name__)

STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being between both but by
    can could did do does doing don't down during each few for from further get got had has have having he her here
    him his how i i'd i'll i'm i've if in into is it it's its just like me more most my myself no nor not now of off
    on once only or other our ours out over own really same she should so some such than that the their them then
    there these they this those through to too under until up very was we we'd we're we've were what when where
    which while who whom why will with would you you'd you're your yours yourself thing things way lot lots tell
    describe give example time walk explain decide handle use using used make made want need think know something
    kind sort well one two new good etc around right let us might must may""".split()
)
TECH_TERMS = frozenset(
    """python java golang rust javascript typescript node nodejs react vue angular django flask fastapi rails spring
    postgres postgresql mysql sqlite mongodb mongo redis memcached kafka rabbitmq sqs sns kinesis s3 aws gcp azure
    kubernetes k8s docker terraform nginx grafana prometheus datadog sentry elasticsearch opensearch cassandra dynamodb
    graphql grpc rest http https tcp dns cdn jwt oauth ci cd jenkins github gitlab celery sql nosql api apis json
    websocket websockets linux bcrypt argon2 opentelemetry jaeger stripe twilio sendgrid pagerduty jira lambda ec2
    cloudfront btree b-tree orm trie hls lua cron tls ssl xss csrf rbac slo slos sla p95 p99 ttl lru etl spark
    airflow snowflake bigquery pandas pytest junit selenium playwright figma tableau okta vault""".split()
)
NUMBER_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred thousand million half dozen".split()
)
_UNITS = (
    r"%|percent|ms|milliseconds?|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|x\b|k\b|m\b|users?|"
    r"customers?|requests?|rps|qps|gb|tb|mb|engineers?|people|developers?|teams?|tickets?|bugs?|incidents?|points?|"
    r"pounds?|dollars?|releases?|deploys?|services?|times|orders?|clients?"
)
_METRIC = re.compile(
    rf"(?:[£$€]\s?\d[\d,.]*\s*[km]?\b|\b\d[\d,.]*\s*(?:{_UNITS})|\b(?:{'|'.join(sorted(NUMBER_WORDS))})\s+(?:{_UNITS})|\bfrom \S+ (?:down |up )?to \S*\d)"
)
_RESULT = re.compile(
    r"\b(?:as a result|the result|results? (?:was|were)|outcome|in the end|ended up|which meant|this meant|that meant|"
    r"meaning that|reduc\w*|increas\w*|improv\w*|cut (?:the|our|it|down)|saved|grew|doubled|halved|dropped|fell|rose|"
    r"shipped|launched|delivered|released|resolved|went from|since then|learn\w*|lesson|promoted|adopted|achieved|"
    r"on time|succeeded|success\w*|paid off|got (?:the|an) offer|praised|thanked)\b"
)
_SITUATION = re.compile(
    r"\b(?:at my (?:last|previous|current|old|first) (?:job|company|role|team|employer)|when i was|last (?:year|month|quarter)|"
    r"(?:a|two|three|few) (?:months|years|weeks) ago|in 20\d\d|back in|our team|my team|the situation|the context|"
    r"we had|we were|there was|i was working|while i was|during (?:my|a|an|the)|at [a-z]+, (?:i|we)|i joined)\b"
)
_TASK = re.compile(
    r"\b(?:my (?:role|job|task|goal|responsibility)|i was responsible|i needed to|i had to|i was asked|asked me to|"
    r"the goal was|my goal|the task|needed to|i was tasked|i owned|it was my job|i wanted to)\b"
)
_IRREGULAR = "built wrote set made took led ran spoke met brought sat broke found chose drove gave got put began went sent kept " \
    "held told paid read rewrote split shut won fought thought sought taught dug"
_ACTION = re.compile(rf"\bi (?:then |also |first |quickly |personally |immediately |finally )?(?:[a-z]+ed|{_IRREGULAR.replace(' ', '|')})\b")
_EXAMPLE = re.compile(r"\b(?:for example|for instance|such as|e\.g\.|specifically|in particular|one time|a time when|once,)")
_FILLER = re.compile(
    r"\b(?:um+|uh+|erm+|er|ah+|hmm+|basically|literally|you know|i mean|sort of|kind of|stuff like that|and so on|whatever)\b|"
    r"\blike,|,\s*like\b|\b(?:was|were|just|so|and|um|uh)\s+like\b"
)
FLOW_SIGNALS = {
    "requirements": re.compile(r"\b(?:requirements?|clarify|assum\w*|it depends|depends on|use cases?|how many|constraints?|first i'd ask|i'd start by asking|at what scale|read-heavy|scale)\b"),
    "approach": re.compile(r"\b(?:i would|i'd|i will|i'll|my approach|the approach|we could|i'd use|i would use|the design|i'd put|i'd store|i'd add)\b"),
    "trade_offs": re.compile(r"\b(?:trade[- ]?offs?|downsides?|drawbacks?|however|on the other hand|versus|vs\.?|instead|alternatively|the risk|pros|cons|at the expense|the cost|costs more|but)\b"),
    "sequence": re.compile(r"\b(?:first|firstly|then|next|after that|finally|second|secondly|third|once|step)\b"),
    "verification": re.compile(r"\b(?:monitor\w*|test\w*|measur\w*|metrics?|alert\w*|verif\w*|benchmark\w*|dashboards?)\b"),
}
_CONSEQUENCE = re.compile(r"\b(?:so that|which means|this means|that means|reduc\w*|improv\w*|prevent\w*|avoid\w*|protect\w*|speed\w* up|faster|slower|cheaper|safer|latency|throughput|cost\w*|overhead|expensive|bottleneck|"
    r"scal\w*|consisten\w*|stale\w*|secur\w*|reliab\w*|resilien\w*)\b")
_WORD = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_CAPITALISED = re.compile(r"(?<=[a-z,;:] )[A-Z][a-zA-Z0-9]+")


def normalise(text: str) -> str:
    """Lower-case text with curly quotes straightened and whitespace collapsed."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def stem(word: str) -> str:
    """A crude stem so 'indexes', 'indexing' and 'index' compare equal."""
    word = word.removesuffix("'s")
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word[:6]


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry meaning (no stopwords, no short words)."""
    return {stem(w) for w in _WORD.findall(normalise(text)) if w not in STOPWORDS and len(w) > 2}


@functools.lru_cache(maxsize=2048)
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    body = r"[\s-]*".join(re.escape(part) for part in re.split(r"[\s-]+", keyword.strip()))
    lead = r"(?<![a-z0-9])" if keyword[:1].isalnum() else ""
    if not keyword[-1:].isalnum():
        tail = ""
    elif len(keyword) >= 5:
        tail = r"[a-z0-9]*"
    else:
        tail = r"(?:s|es)?(?![a-z0-9])"
    return re.compile(lead + body + tail)


def keyword_hits(key_point: KeyPoint, normalised_answer: str) -> list[str]:
    """The key point's keywords that appear in the answer."""
    return [k for k in key_point.keywords if k and _keyword_pattern(k).search(normalised_answer)]


def sentence_spans(answer: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence in the original answer."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(answer):
        if answer[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if answer[start:].strip():
        spans.append((start, len(answer.rstrip())))
    return spans


@dataclass(frozen=True)
class Signals:
    """Everything the rubric needs to know about one answer."""

    text: str
    word_count: int
    sentence_count: int
    question_terms: frozenset[str]
    question_hits: frozenset[str]
    key_point_hits: tuple[tuple[str, ...], ...]
    novel_content: int
    copy_ratio: float
    first_person: int
    we_count: int
    numbers: int
    metrics: int
    tech_terms: tuple[str, ...]
    proper_nouns: int
    examples: int
    situation: int
    task: int
    actions: int
    results: int
    fillers: int
    flow: tuple[str, ...]
    consequences: int
    function_words: int

    @property
    def question_fraction(self) -> float:
        if self.question_terms:
            return len(self.question_hits) / len(self.question_terms)
        return self.key_points_hit / len(self.key_point_hits) if self.key_point_hits else 0.0

    @property
    def coverage(self) -> float:
        """Share of key points touched; for a question without key points, share of its terms used."""
        if self.key_point_hits:
            return self.key_points_hit / len(self.key_point_hits)
        return self.question_fraction

    @property
    def key_points_hit(self) -> int:
        return sum(1 for hits in self.key_point_hits if hits)

    @property
    def concrete(self) -> int:
        """How many kinds of concrete detail appear: numbers, names, examples, a time and place."""
        return sum((self.numbers > 0, bool(self.tech_terms) or self.proper_nouns > 0, self.examples > 0, self.situation > 0))

    @property
    def keyword_list(self) -> bool:
        """A bare list of terms rather than sentences: natural answers are roughly 35-55% function words."""
        return self.word_count >= 8 and self.function_words / self.word_count < 0.22

    @property
    def star(self) -> tuple[bool, bool, bool, bool]:
        return (self.situation > 0, self.task > 0, self.actions > 0, self.results > 0)


def read_signals(question: Question, answer: str) -> Signals:
    """Measure the answer against the question."""
    text = normalise(answer)
    words = _WORD.findall(text)
    question_terms = frozenset(content_stems(question.text))
    answer_stems = [stem(w) for w in words if w not in STOPWORDS and len(w) > 2]
    novel = sum(1 for s in set(answer_stems) if s not in question_terms)
    ratio = difflib.SequenceMatcher(None, normalise(question.text), text).ratio() if text else 0.0
    return Signals(
        text=text,
        word_count=len(words),
        sentence_count=len(sentence_spans(answer)),
        question_terms=question_terms,
        question_hits=frozenset(question_terms.intersection(answer_stems)),
        key_point_hits=tuple(tuple(keyword_hits(kp, text)) for kp in question.key_points),
        novel_content=novel,
        copy_ratio=ratio,
        first_person=sum(1 for w in words if w in ("i", "i'm", "i've", "i'd", "i'll", "me", "my", "myself")),
        we_count=sum(1 for w in words if w in ("we", "we're", "we've", "we'd", "our", "us", "ourselves")),
        numbers=sum(1 for w in words if any(ch.isdigit() for ch in w) or w in NUMBER_WORDS),
        metrics=len(_METRIC.findall(text)),
        tech_terms=tuple(sorted({w for w in words if w in TECH_TERMS})),
        proper_nouns=len(_CAPITALISED.findall(answer)),
        examples=len(_EXAMPLE.findall(text)),
        situation=len(_SITUATION.findall(text)),
        task=len(_TASK.findall(text)),
        actions=len(_ACTION.findall(text)),
        results=len(_RESULT.findall(text)),
        fillers=len(_FILLER.findall(text)),
        flow=tuple(name for name, pattern in FLOW_SIGNALS.items() if pattern.search(text)),
        consequences=len(_CONSEQUENCE.findall(text)),
        function_words=sum(1 for w in words if w in STOPWORDS),
    )


def is_result_phrase(text: str) -> bool:
    """Whether a piece of text reports a result or a measured outcome."""
    lowered = normalise(text)
    return bool(_RESULT.search(lowered) or _METRIC.search(lowered))


def is_action_phrase(text: str) -> bool:
    """Whether a piece of text describes something the speaker personally did."""
    return bool(_ACTION.search(normalise(text)))
