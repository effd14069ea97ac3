"""The body-map heat view: the symptoms app's body figure with each region shaded by how many
logged days named it. Pure, escaped SVG like ``symptoms.charts``; the shading steps in grey
(and each region's title gives the count) so it reads without colour, and the overview puts a
table of the same counts beside it."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from symptoms.body_map import BACK_X, FRONT_X, HEIGHT, WIDTH, body_map_shapes

#: Shading steps: 0 (never named) and four steps up to the most-named region.
LEVELS = 4
#: Fill opacity of each step.
OPACITY = ("0", "0.2", "0.4", "0.65", "0.9")


def heat_level(count: int, highest: int) -> int:
    """0 for a region never named, else 1..LEVELS in proportion to the most-named region."""
    if count <= 0 or highest <= 0:
        return 0
    return max(1, -(-count * LEVELS // highest))


def heat_map(counts: Mapping[str, int], logged_days: int, *, id_prefix: str = "heat") -> SafeString:
    """Front and back views with each region's shading and a title such as "Left thigh: 12 of 28
    logged days"."""
    highest = max(counts.values(), default=0)
    title = _("Where symptoms were felt")
    if highest:
        desc = _("Regions shaded by the number of logged days that named them; darker is more.")
    else:
        desc = _("No regions named in these days.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heat-map" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT + 32}" width="{WIDTH}" height="{HEIGHT + 32}" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc">'
        f'<title id="{id_prefix}-title">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(desc)}</desc>'
    ]
    for label, x in ((_("Front"), FRONT_X), (_("Back"), BACK_X)):
        parts.append(
            f'<text x="{x}" y="{HEIGHT + 24}" text-anchor="middle" font-size="22" '
            f'fill="currentColor">{escape(label)}</text>'
        )
    for shape in body_map_shapes():
        count = counts.get(shape.region, 0)
        level = heat_level(count, highest)
        text = _("%(region)s: %(count)d of %(days)d logged days") % {
            "region": shape.label,
            "count": count,
            "days": logged_days,
        }
        parts.append(
            f'<path class="heat-region heat-{level}" data-region="{escape(shape.region)}" '
            f'd="{shape.d}" fill="currentColor" fill-opacity="{OPACITY[level]}" '
            f'stroke="currentColor" stroke-width="1"><title>{escape(text)}</title></path>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
