"""Bar charts for the report, laid out once and drawn two ways: SVG for the page, reportlab for
the PDF. Every chart on the page sits beside a table that says the same in words and numbers.

SVG uses presentation attributes only (fill="..."), because the Content-Security-Policy forbids
inline styles.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup, escape

from app.roles import role_label

# GOV.UK colours; each status also has its name in the legend and the table beside the chart.
STATUS_COLOURS = {
    "overdue": "#d4351c",
    "due soon": "#f47738",
    "not started": "#b1b4b6",
    "in progress": "#1d70b8",
    "current": "#00703c",
}
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
BAR = "#1d70b8"
FONT = "Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float       # the text's baseline, measured from the top
    text: str
    anchor: str = "start"  # start | middle | end
    size: float = 12
    bold: bool = False


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str = GRID


@dataclass
class Chart:
    title: str
    description: str
    width: float
    height: float
    rects: list[Rect] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


def _nice_max(value: int) -> int:
    """A round axis maximum at or above value: 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, ..."""
    value = max(value, 1)
    step = 1
    while True:
        for multiple in (1, 2, 3, 4, 5, 6, 8):
            if step * multiple >= value:
                return step * multiple
        step *= 10


def status_by_role(by_role: list[tuple[str, dict[str, int]]], statuses: tuple[str, ...]) -> Chart:
    """Horizontal stacked bars: one bar per role, split by status."""
    label_width, bar_left, right_pad, row_height, bar_height = 272, 282, 44, 34, 22
    legend_height = 30
    width = 760
    top = legend_height + 10
    height = top + row_height * max(len(by_role), 1) + 30
    chart = Chart("Status by role", "For each council role, how many of its members are at each "
                  "training status. The table after the chart gives the same figures.", width, height)
    # Legend across the top.
    x = 0.0
    for status in statuses:
        chart.rects.append(Rect(x, 6, 14, 14, STATUS_COLOURS[status]))
        chart.labels.append(Label(x + 20, 18, status.capitalize(), size=14))
        x += 120
    largest = _nice_max(max((sum(c.values()) for _, c in by_role), default=0))
    scale = (width - bar_left - right_pad) / largest
    for index, (role, counts) in enumerate(by_role):
        y = top + index * row_height
        name = role_label(role) if role != "none" else "No role"
        chart.labels.append(Label(label_width, y + bar_height - 6, name, anchor="end", size=14))
        left = float(bar_left)
        for status in statuses:
            count = counts.get(status, 0)
            if count:
                chart.rects.append(Rect(left, y, count * scale, bar_height, STATUS_COLOURS[status]))
                left += count * scale
        chart.labels.append(Label(left + 6, y + bar_height - 6, str(sum(counts.values())), size=14, bold=True))
    axis_y = top + row_height * max(len(by_role), 1)
    chart.lines.append(Line(bar_left, top - 4, bar_left, axis_y))
    chart.labels.append(Label(bar_left, axis_y + 18, "0", anchor="middle", size=13))
    chart.labels.append(Label(bar_left + largest * scale, axis_y + 18, str(largest), anchor="middle", size=13))
    return chart


def completions_over_time(by_month: list[tuple[date, int]]) -> Chart:
    """Vertical bars: certificates issued in each month."""
    width, height, left, bottom, top = 760, 260, 40, 40, 24
    chart = Chart("Certificates issued each month", "How many members completed a pathway in each of "
                  "the last twelve months. The table after the chart gives the same figures.", width, height)
    largest = _nice_max(max((n for _, n in by_month), default=0))
    plot_height = height - top - bottom
    slot = (width - left) / max(len(by_month), 1)
    chart.lines.append(Line(left, height - bottom, width, height - bottom))
    chart.lines.append(Line(left, top, width, top))
    chart.labels.append(Label(left - 6, top + 4, str(largest), anchor="end", size=13))
    chart.labels.append(Label(left - 6, height - bottom + 4, "0", anchor="end", size=13))
    for index, (month, count) in enumerate(by_month):
        bar_height = plot_height * count / largest
        x = left + index * slot + slot * 0.15
        if count:
            chart.rects.append(Rect(x, height - bottom - bar_height, slot * 0.7, bar_height, BAR))
        chart.labels.append(Label(x + slot * 0.35, height - bottom - bar_height - 5, str(count),
                                  anchor="middle", size=13, bold=True))
        chart.labels.append(Label(x + slot * 0.35, height - bottom + 16, month.strftime("%b"),
                                  anchor="middle", size=13))
        if index == 0 or month.month == 1:
            chart.labels.append(Label(x + slot * 0.35, height - bottom + 31, str(month.year),
                                      anchor="middle", size=13))
    return chart


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def to_svg(chart: Chart, chart_id: str) -> Markup:
    anchors = {"start": "start", "middle": "middle", "end": "end"}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {_n(chart.width)} '
             f'{_n(chart.height)}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
             f'focusable="false">',
             f'<title id="{chart_id}-title">{escape(chart.title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(chart.description)}</desc>']
    for line in chart.lines:
        parts.append(f'<line x1="{_n(line.x1)}" y1="{_n(line.y1)}" x2="{_n(line.x2)}" y2="{_n(line.y2)}" '
                     f'stroke="{line.colour}" stroke-width="1"/>')
    for rect in chart.rects:
        parts.append(f'<rect x="{_n(rect.x)}" y="{_n(rect.y)}" width="{_n(rect.width)}" '
                     f'height="{_n(rect.height)}" fill="{rect.fill}"/>')
    for label in chart.labels:
        weight = ' font-weight="bold"' if label.bold else ""
        parts.append(f'<text x="{_n(label.x)}" y="{_n(label.y)}" text-anchor="{anchors[label.anchor]}" '
                     f'font-family="{FONT}" font-size="{_n(label.size)}" fill="{TEXT}"{weight}>'
                     f'{escape(label.text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # nosec B704 - every text in the SVG is escaped above


def to_drawing(chart: Chart, width: float):
    """A reportlab Drawing of the chart, scaled to the given width in points."""
    from reportlab.graphics.shapes import Drawing, Group, Line as RLLine, Rect as RLRect, String
    from reportlab.lib.colors import HexColor

    scale = width / chart.width
    drawing = Drawing(width, chart.height * scale)
    group = Group()
    group.transform = (scale, 0, 0, -scale, 0, chart.height * scale)  # SVG's top-down y

    for line in chart.lines:
        group.add(RLLine(line.x1, line.y1, line.x2, line.y2, strokeColor=HexColor(line.colour), strokeWidth=1))
    for rect in chart.rects:
        group.add(RLRect(rect.x, rect.y, rect.width, rect.height, fillColor=HexColor(rect.fill),
                         strokeColor=None))
    drawing.add(group)
    for label in chart.labels:
        # Text is placed unflipped, so it reads the right way up.
        drawing.add(String(label.x * scale, (chart.height - label.y) * scale, label.text,
                           fontName="Helvetica-Bold" if label.bold else "Helvetica",
                           fontSize=label.size * scale, textAnchor=label.anchor, fillColor=HexColor(TEXT)))
    return drawing
