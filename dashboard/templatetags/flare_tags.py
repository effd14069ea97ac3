"""The clinic flare-up analysis: a rate in words and a small interval plot (SVG attributes only,
so the page keeps its strict CSP)."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outcomes.stats import Rate

register = template.Library()
WIDTH, HEIGHT, PAD = 132, 16, 6


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


@register.filter
def rate_text(rate: Rate) -> str:
    """ "25% (9-53%)", "too few for a rate" or a dash."""
    if rate.total == 0:
        return "–"
    if rate.too_few:
        return _("too few for a rate")
    return _("%(rate)s%% (%(low)s–%(high)s%%)") % {
        "rate": _pct(rate.percent),
        "low": _pct(rate.low_percent),
        "high": _pct(rate.high_percent),
    }


@register.filter
def rate_counts(rate: Rate) -> str:
    """ "3 of 12"."""
    if rate.total == 0:
        return "–"
    return ngettext(
        "%(events)d of %(total)d session", "%(events)d of %(total)d sessions", rate.total
    ) % {"events": rate.events, "total": rate.total}


@register.filter
def rate_plot(rate: Rate) -> SafeString:
    """The rate as a dot on 0-100% with its 95% interval as a line; nothing when too few."""
    if rate.share is None or rate.low is None or rate.high is None:
        return mark_safe("")  # noqa: S308 - empty
    low, high = rate.low, rate.high

    def x(share: float) -> str:
        return f"{PAD + (WIDTH - 2 * PAD) * share:.1f}"

    label = escape(_("Rate %(text)s") % {"text": rate_text(rate)})
    mid = HEIGHT / 2
    return mark_safe(  # noqa: S308 - numbers and an escaped label only
        f'<svg xmlns="http://www.w3.org/2000/svg" class="rate-plot" role="img" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}"><title>{label}</title>'
        f'<line x1="{PAD}" y1="{mid}" x2="{WIDTH - PAD}" y2="{mid}" stroke="currentColor" '
        'stroke-opacity="0.25"/>'
        f'<line x1="{x(low)}" y1="{mid}" x2="{x(high)}" y2="{mid}" '
        'stroke="currentColor" stroke-width="2"/>'
        f'<line x1="{x(low)}" y1="{mid - 4}" x2="{x(low)}" y2="{mid + 4}" '
        'stroke="currentColor"/>'
        f'<line x1="{x(high)}" y1="{mid - 4}" x2="{x(high)}" y2="{mid + 4}" '
        'stroke="currentColor"/>'
        f'<circle cx="{x(float(rate.share))}" cy="{mid}" r="4" fill="currentColor"/></svg>'
    )


@register.filter
def label_of(labels: dict[str, str], key: str) -> str:
    """What a group of the analysis is called (a therapist's name, a diagnosis)."""
    return labels.get(key, key)
