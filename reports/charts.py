"""Report charts drawn on the server with matplotlib: SVG inline in pages, PNG in documents.

No script and no CDN: the page embeds the SVG (``{{ chart }}``), printable as it is. The layout
engine of matplotlib ("constrained") keeps the title, the legend (below the plot) and the
rotated unit names apart however long they are.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .numbers import format_decimal

PALETTE = ["#2b6cb0", "#dd6b20", "#38a169", "#805ad5"]
WIDTH_IN, HEIGHT_IN = 9.0, 4.2
# Long unit names are cut so that the axis keeps some room for the bars.
LABEL_LIMIT = 28

Series = Sequence[tuple[str, Sequence[float | None]]]


@dataclass(frozen=True)
class Chart:
    """A bar or line chart; ``svg()`` for pages, ``png()`` for documents, ``{{ chart }}`` in templates."""

    kind: str
    title: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]

    def __str__(self) -> str:
        # Templates turn a value into text before escaping it: the text is the safe SVG.
        return self.svg()

    def __html__(self) -> str:
        return self.svg()

    def svg(self) -> SafeString:
        from matplotlib import rc_context

        buffer = io.StringIO()
        # Text stays text (smaller, selectable, read by screen readers); fixed ids give the same
        # markup for the same figures.
        with rc_context({"svg.fonttype": "none", "svg.hashsalt": "report-chart"}):
            self._figure().savefig(buffer, format="svg", metadata={"Date": None})
        return mark_safe(_inline_svg(buffer.getvalue(), self.title))  # produced by matplotlib, title escaped

    def png(self, dpi: int = 150) -> bytes:
        buffer = io.BytesIO()
        self._figure().savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        return buffer.getvalue()

    def _figure(self) -> Any:
        # Imported here: matplotlib takes a moment to load and only charts need it.
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), layout="constrained")
        axes = figure.add_subplot()
        axes.set_title(self.title, fontsize=12, fontweight="bold", loc="left")
        positions = list(range(len(self.labels)))
        if self.kind == "bar":
            width = 0.8 / max(len(self.series), 1)
            for i, (name, values) in enumerate(self.series):
                offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
                axes.bar(offsets, [v or 0 for v in values], width=width, label=name, color=PALETTE[i % len(PALETTE)])
        else:
            for i, (name, values) in enumerate(self.series):
                # A None value leaves a gap in the line (NaN is not drawn).
                points = [float("nan") if v is None else v for v in values]
                axes.plot(positions, points, marker="o", label=name, color=PALETTE[i % len(PALETTE)])
        axes.set_xticks(positions, [label[:LABEL_LIMIT] for label in self.labels])
        # The same margins whatever the values (gaps at either end included).
        axes.set_xlim(-0.6, max(len(positions) - 0.4, 0.4))
        if self.kind == "bar" and len(self.labels) > 4:
            axes.tick_params(axis="x", labelrotation=35)
            for tick in axes.get_xticklabels():
                tick.set_horizontalalignment("right")
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=self._integers()))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: format_decimal(value)))
        axes.set_ylim(bottom=0)
        axes.grid(axis="y", color="#dddddd")
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        if self.series:
            figure.legend(loc="outside lower center", ncols=min(len(self.series), 4), frameon=False)
        return figure

    def _integers(self) -> bool:
        return all(v is None or float(v).is_integer() for _name, values in self.series for v in values)


def _inline_svg(document: str, title: str) -> str:
    """The ``<svg>`` element alone (no XML prolog), with the page's class and an accessible name."""
    svg = document[document.index("<svg") :]
    # matplotlib's stylesheet (line joins and caps) would need the page's nonce under the content
    # security policy; the same rule lives in the report styles.
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.S)
    svg = re.sub(r'\s(width|height)="[^"]*"', "", svg[: svg.index(">")], count=2) + svg[svg.index(">") :]
    label = escape(title)
    return svg.replace("<svg", f'<svg class="report-chart" role="img" aria-label="{label}"', 1)


def _chart(kind: str, title: str, labels: Sequence[str], series: Series) -> Chart:
    return Chart(
        kind=kind,
        title=str(title),
        labels=tuple(str(label) for label in labels),
        series=tuple((str(name), tuple(values)) for name, values in series),
    )


def bar_chart(title: str, categories: Sequence[str], series: Series) -> Chart:
    """Grouped bars: one group per category, one bar per series."""
    return _chart("bar", title, categories, series)


def line_chart(title: str, labels: Sequence[str], series: Series) -> Chart:
    """Lines with dots; a ``None`` value leaves a gap."""
    return _chart("line", title, labels, series)
