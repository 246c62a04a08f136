"""The debrief's chart of principles served and neglected: SVG drawn on the server.

No JavaScript and no style attributes (the Content-Security-Policy forbids them): presentation
attributes only. The chart scales with its container; its text equivalent is a table the page
shows beside it, so the SVG carries a short title and description for screen readers.
"""
from __future__ import annotations

from typing import Sequence

from markupsafe import Markup, escape

from app.scenarios.walk import PrincipleTally

SERVED_COLOUR = "#1d70b8"     # GOV.UK blue
NEGLECTED_COLOUR = "#d4351c"  # GOV.UK red: told apart from blue by side as well as colour
TEXT_COLOUR = "#0b0c0c"
AXIS_COLOUR = "#505a5f"

WIDTH = 400
AXIS_X = 200
MAX_BAR = 150
TOP = 44
ROW = 60
LABEL_GAP = 24
BAR_HEIGHT = 20
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def describe(tallies: Sequence[PrincipleTally]) -> str:
    """One or two sentences that say what the chart shows."""
    served = [t for t in tallies if t.served]
    neglected = [t for t in tallies if t.neglected]
    if not served and not neglected:
        return "None of your choices was tagged with a principle."
    parts = []
    if served:
        top = max(t.served for t in served)
        parts.append("Served most often: " + ", ".join(t.short for t in served if t.served == top)
                     + f" ({_plural(top, 'time')}).")
    if neglected:
        top = max(t.neglected for t in neglected)
        parts.append("Neglected most often: "
                     + ", ".join(t.short for t in neglected if t.neglected == top)
                     + f" ({_plural(top, 'time')}).")
    else:
        parts.append("No principle was neglected.")
    return " ".join(parts)


def principle_chart(tallies: Sequence[PrincipleTally], chart_id: str = "principle-chart",
                    title: str = "How your choices lined up with the seven principles") -> Markup:
    """A diverging bar chart: times neglected to the left of the axis, times served to the right."""
    scale_max = max([1] + [t.served for t in tallies] + [t.neglected for t in tallies])
    unit = MAX_BAR / scale_max
    height = TOP + ROW * len(tallies) + 8
    cid = escape(chart_id)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-principle-chart" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" role="img" focusable="false" '
        f'aria-labelledby="{cid}-title {cid}-desc" id="{cid}" font-family="{FONT}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(describe(tallies))} The table below gives every figure.</desc>',
        f'<text x="{AXIS_X - 8}" y="20" text-anchor="end" font-size="16" font-weight="bold" '
        f'fill="{NEGLECTED_COLOUR}">◀ Neglected</text>',
        f'<text x="{AXIS_X + 8}" y="20" text-anchor="start" font-size="16" font-weight="bold" '
        f'fill="{SERVED_COLOUR}">Served ▶</text>',
    ]
    for row, t in enumerate(tallies):
        label_y = TOP + row * ROW + 4
        bar_y = label_y + LABEL_GAP - 16
        out.append(f'<text x="0" y="{label_y}" font-size="18" fill="{TEXT_COLOUR}">'
                   f'{escape(t.letter)}. {escape(t.short)}</text>')
        served_w, neglected_w = round(t.served * unit, 1), round(t.neglected * unit, 1)
        if t.neglected:
            out.append(f'<rect x="{AXIS_X - neglected_w}" y="{bar_y}" width="{neglected_w}" '
                       f'height="{BAR_HEIGHT}" fill="{NEGLECTED_COLOUR}"/>')
        if t.served:
            out.append(f'<rect x="{AXIS_X}" y="{bar_y}" width="{served_w}" height="{BAR_HEIGHT}" '
                       f'fill="{SERVED_COLOUR}"/>')
        # The axis runs beside each bar only, so it never strikes through a label.
        out.append(f'<line x1="{AXIS_X}" y1="{bar_y - 4}" x2="{AXIS_X}" y2="{bar_y + BAR_HEIGHT + 4}" '
                   f'stroke="{AXIS_COLOUR}" stroke-width="2"/>')
        text_y = bar_y + BAR_HEIGHT - 5
        out.append(f'<text x="{AXIS_X - neglected_w - 4}" y="{text_y}" text-anchor="end" '
                   f'font-size="16" fill="{TEXT_COLOUR}">{t.neglected}</text>')
        out.append(f'<text x="{AXIS_X + served_w + 4}" y="{text_y}" text-anchor="start" '
                   f'font-size="16" fill="{TEXT_COLOUR}">{t.served}</text>')
    out.append("</svg>")
    return Markup("\n".join(out))  # nosec B704 - every text in the SVG is escaped above
