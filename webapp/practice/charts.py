"""Small server-rendered SVG charts (no JavaScript chart library)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: int


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: list[Point]
    path: str
    y_ticks: list[tuple[float, str]]
    y_min: int
    y_max: int


def line_chart(values: list[int], labels: list[str], *, y_min: int = 0, y_max: int = 100,
               width: int = 640, height: int = 220, pad: int = 36) -> LineChart:
    """Coordinates for a line chart of values over time; the template draws it."""
    span = max(1, y_max - y_min)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    step = inner_w / max(1, len(values) - 1)
    points = []
    for i, (value, label) in enumerate(zip(values, labels)):
        x = pad + (i * step if len(values) > 1 else inner_w / 2)
        y = pad + inner_h * (1 - (min(max(value, y_min), y_max) - y_min) / span)
        points.append(Point(round(x, 1), round(y, 1), label, value))
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    ticks = []
    for k in range(5):
        v = y_min + span * k / 4
        ticks.append((round(pad + inner_h * (1 - k / 4), 1), f"{v:,.0f}"))
    return LineChart(width, height, points, path, ticks, y_min, y_max)
