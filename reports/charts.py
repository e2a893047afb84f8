"""Charts drawn on the server as inline SVG: no script, no CDN, printable.

Each function returns safe markup (``SafeString``); every label goes through ``escape``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .numbers import format_decimal

PALETTE = ["#2b6cb0", "#dd6b20", "#38a169", "#805ad5"]
WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 50, 10, 30, 90


def _scale(values: Sequence[float | None]) -> float:
    top = max([v for v in values if v is not None] or [0])
    if top <= 0:
        return 1.0
    # A round upper bound (1, 2, 5 × 10^n) so that the grid lines read well.
    magnitude = 10 ** (len(str(int(top))) - 1)
    for step in (1, 2, 5, 10):
        if top <= step * magnitude:
            return float(step * magnitude)
    return float(top)


def _frame(title: str, top: float, legend: list[tuple[str, str]]) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="report-chart" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for i in range(5):
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
            f"{escape(format_decimal(top * i / 4))}</text>"
        )
    x = WIDTH - RIGHT
    for label, color in reversed(legend):
        x -= 8 + 7 * len(label) + 14
        parts.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{x + 14}" y="15" font-size="11">{escape(label)}</text>')
    return parts


def bar_chart(title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> SafeString:
    """Grouped bars: one group per category, one bar per series."""
    legend = [(str(name), PALETTE[i % len(PALETTE)]) for i, (name, _values) in enumerate(series)]
    top = _scale([v for _name, values in series for v in values])
    parts = _frame(title, top, legend)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    for c, category in enumerate(categories):
        x0 = LEFT + c * group_w + group_w * 0.1
        for s, (name, values) in enumerate(series):
            value = values[c] or 0
            h = plot_h * value / top
            parts.append(
                f'<rect x="{x0 + s * bar_w:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{legend[s][1]}"><title>{escape(category)}: {escape(name)} {escape(format_decimal(value))}'
                "</title></rect>"
            )
        cx, cy = LEFT + c * group_w + group_w / 2, TOP + plot_h + 10
        parts.append(
            f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="10" text-anchor="end" '
            f'transform="rotate(-40 {cx:.1f} {cy:.1f})">{escape(category[:28])}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


def line_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]) -> SafeString:
    """Lines with dots; a ``None`` value leaves a gap."""
    legend = [(str(name), PALETTE[i % len(PALETTE)]) for i, (name, _values) in enumerate(series)]
    top = _scale([v for _name, values in series for v in values])
    parts = _frame(title, top, legend)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels), 1)
    for s, (name, values) in enumerate(series):
        color = legend[s][1]
        points = []
        for i, value in enumerate(values):
            if value is None:
                if len(points) > 1:
                    parts.append(_polyline(points, color))
                points = []
                continue
            x, y = LEFT + step * (i + 0.5), TOP + plot_h - plot_h * value / top
            points.append((x, y))
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"><title>{escape(labels[i])}: '
                f"{escape(name)} {escape(format_decimal(value))}</title></circle>"
            )
        if len(points) > 1:
            parts.append(_polyline(points, color))
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{LEFT + step * (i + 0.5):.1f}" y="{TOP + plot_h + 16}" font-size="10" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


def _polyline(points: list[tuple[float, float]], color: str) -> str:
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"/>'
