"""`lakeline report`: one self-contained HTML page with SVG charts of the local pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from importlib import resources
from string import Template

from lakeline.usecases.report import Report

PALETTE = ("#2f6fd6", "#e07b24", "#2a9d6f", "#8e44ad", "#c0392b", "#16a2b8")
WIDTH = 520


def _empty(what: str) -> str:
    return f'<p class="muted">{escape(what)}</p>'


def bar_chart(bars: Sequence[tuple[str, float]], fmt: str = "{:,.0f}", color: str = PALETTE[0]) -> str:
    """Horizontal bars, one per label, scaled to the largest value."""
    if not bars:
        return _empty("nothing yet")
    top = max(v for _, v in bars) or 1.0
    label_width, row = 200, 22
    height = row * len(bars) + 6
    parts = [f'<svg class="chart" width="{WIDTH}" height="{height}" role="img">']
    for i, (label, value) in enumerate(bars):
        y = i * row + 3
        width = max((WIDTH - label_width - 70) * value / top, 1)
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end"><title>{escape(label)}</title>'
            f"{escape(short)}</text>"
            f'<rect class="bar" x="{label_width}" y="{y}" width="{width:.1f}" height="{row - 6}" '
            f'fill="{color}"/>'
            f'<text x="{label_width + width + 4:.1f}" y="{y + 14}">{escape(fmt.format(value))}</text>'
        )
    return "".join(parts) + "</svg>"


def column_chart(series: dict[str, list[tuple[str, int]]]) -> str:
    """Columns per day, one colour per dataset, with a legend."""
    days = sorted({d for points in series.values() for d, _ in points})
    if not days:
        return _empty("no curated rows yet")
    top = max(v for points in series.values() for _, v in points) or 1
    width, height, left, bottom = 1000, 220, 60, 40
    slot = (width - left - 10) / len(days)
    bar = max(slot / (len(series) + 1), 2)
    parts = [
        f'<svg class="chart" width="{width}" height="{height + 24}" role="img">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#bbb"/>',
        f'<text x="{left - 6}" y="14" text-anchor="end">{top:,}</text>',
    ]
    for i, day in enumerate(days):
        x0 = left + i * slot
        if i % (int(64 // slot) + 1) == 0:  # a label needs about 64 px
            parts.append(
                f'<text x="{x0 + slot / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle">{day}</text>'
            )
        for j, (dataset, points) in enumerate(sorted(series.items())):
            value = dict(points).get(day, 0)
            h = (height - bottom - 20) * value / top
            parts.append(
                f'<rect class="bar" x="{x0 + j * bar:.1f}" y="{height - bottom - h:.1f}" '
                f'width="{bar - 1:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(dataset)} {day}: '
                f"{value:,}</title></rect>"
            )
    for j, dataset in enumerate(sorted(series)):
        x = left + j * 180
        parts.append(
            f'<rect x="{x}" y="{height + 6}" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="{x + 16}" y="{height + 16}">{escape(dataset)}</text>'
        )
    return "".join(parts) + "</svg>"


def line_chart(points: Sequence[tuple[str, float]], color: str = PALETTE[2]) -> str:
    """A line through the values in order, with dots."""
    if not points:
        return _empty("no objects processed yet")
    height, left = 180, 50
    top = max(v for _, v in points) or 1.0
    step = (WIDTH - left - 10) / max(len(points) - 1, 1)
    xy = [(left + i * step, height - 20 - (height - 40) * v / top) for i, (_, v) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"><title>{escape(label)}: {v:,.0f}'
        f"</title></circle>"
        for (x, y), (label, v) in zip(xy, points, strict=True)
    )
    return (
        f'<svg class="chart" width="{WIDTH}" height="{height}" role="img">'
        f'<line x1="{left}" y1="{height - 20}" x2="{WIDTH}" y2="{height - 20}" stroke="#bbb"/>'
        f'<text x="{left - 6}" y="24" text-anchor="end">{top:,.0f}</text>'
        f'<polyline class="line" points="{path}" fill="none" stroke="{color}" stroke-width="2"/>{dots}</svg>'
    )


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    if not rows:
        return _empty(empty)
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def render(report: Report, project: str, lake: str) -> str:
    """The page, as one HTML document with inline CSS and SVG."""
    now = report.generated_at
    kept = sum(d.rows_kept for d in report.datasets)
    quarantined = sum(d.rows_quarantined for d in report.datasets)
    failed_rules = sum(q.get("Failed", 0) for q in report.quality.values())
    kpis = "".join(
        f'<div class="kpi"><b>{v}</b>{escape(k)}</div>'
        for k, v in (
            ("rows kept", f"{kept:,}"),
            ("rows quarantined", f"{quarantined:,}"),
            ("objects failed or rejected", f"{report.failed_objects:,}"),
            ("data-quality rules failing", f"{failed_rules}"),
        )
    )
    reasons = "".join(
        f"<h3>{escape(d.name)}</h3>" + bar_chart(d.top_reasons, color=PALETTE[1])
        for d in report.datasets
        if d.top_reasons
    ) or _empty("nothing quarantined")
    freshness = []
    for d in report.datasets:
        age = d.age_hours(now)
        if age is not None:
            freshness.append(
                (f"{d.name} (SLA {d.freshness_sla_hours:g} h)" if d.freshness_sla_hours else d.name, age)
            )
    quality_rows = [
        (
            escape(t),
            f'<span class="ok">{o.get("Passed", 0)}</span>',
            f'<span class="bad">{o.get("Failed", 0)}</span>',
        )
        for t, o in sorted(report.quality.items())
    ]
    runs = [
        (
            escape(r.run_id),
            escape(r.kind),
            r.started_at.strftime("%Y-%m-%d %H:%M"),
            escape(str(r.stats.get("outcome", "-"))),
        )
        for r in report.runs
    ]
    failures = [
        (
            escape(e.finished_at.strftime("%Y-%m-%d %H:%M") if e.finished_at else "-"),
            f'<span class="bad">{escape(e.status.value)}</span>',
            escape(e.key),
            escape(e.error or ""),
        )
        for e in report.failures
    ]
    failures += [
        (
            escape(at[:16].replace("T", " ")),
            '<span class="bad">alert</span>',
            escape(subject),
            escape(message).replace("\n", "<br>"),
        )
        for at, subject, message in report.alerts
    ]
    template = Template(
        (resources.files("lakeline.entrypoints") / "templates" / "report.html").read_text("utf-8")
    )
    return template.substitute(
        project=escape(project),
        lake=escape(lake),
        generated=now.strftime("%Y-%m-%d %H:%M"),
        kpis=kpis,
        rows_per_day=column_chart({d.name: d.rows_per_day for d in report.datasets if d.rows_per_day}),
        quarantine_ratio=bar_chart(
            [(d.name, d.quarantine_ratio * 100) for d in report.datasets if d.rows_in],
            fmt="{:.2f} %",
            color=PALETTE[4],
        ),
        reasons=reasons,
        latency=line_chart([(at.strftime("%H:%M:%S ") + ds, ms) for at, ms, ds in report.latency]),
        freshness=bar_chart(freshness, fmt="{:.1f} h", color=PALETTE[3]),
        quality=_table(("table", "passed", "failed"), quality_rows, "no data-quality results yet"),
        runs=_table(("run", "kind", "started", "outcome"), runs, "no analytics runs yet"),
        failures=_table(("when", "what", "object or alert", "why"), failures, "no failures and no alerts"),
    )
