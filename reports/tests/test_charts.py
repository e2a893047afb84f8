"""Charts are drawn by matplotlib: inline SVG with the page's class, text kept as text, PNG for documents."""

from __future__ import annotations

from reports.charts import bar_chart, line_chart

UNITS = [f"Huyện Thử Nghiệm Rất Dài Tên {n}" for n in range(10)]


def test_bar_chart_is_inline_svg_with_its_title_and_legend_as_text():
    chart = bar_chart("Mô hình & trẻ em", UNITS, [("Hệ thống", list(range(10))), ("Trẻ em", [5] * 10)])
    svg = str(chart)
    assert svg.startswith('<svg class="report-chart" role="img" aria-label="Mô hình &amp; trẻ em"')
    assert "<?xml" not in svg and "<script" not in svg
    assert "Hệ thống" in svg and "Trẻ em" in svg and "Mô hình &amp; trẻ em" in svg
    # The same figures give the same markup (fixed ids), so pages and tests are stable.
    assert str(bar_chart("Mô hình & trẻ em", UNITS, [("Hệ thống", list(range(10))), ("Trẻ em", [5] * 10)])) == svg


def test_line_chart_with_gaps_draws_as_png():
    chart = line_chart("Theo tháng", [f"{m:02d}" for m in range(1, 13)], [("Người", [1, None, 3] + [0] * 9)])
    assert chart.png(dpi=50).startswith(b"\x89PNG")
