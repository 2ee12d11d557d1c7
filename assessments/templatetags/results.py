"""`{% load results %}`: figures shown the way the method rounds them."""

from django import template

from ..scoring import display, gap_mark as _gap_mark

register = template.Library()


@register.filter
def points(value):
    """A score, gap or delta as whole points, rounded half up like
    `scoring.display` (so the page, the PDF and the JSON agree); "" for None."""
    return "" if value is None else display(value)


@register.filter
def signed_points(value):
    """A change in whole points with its sign: +5, -3, 0."""
    if value is None:
        return ""
    shown = display(value)
    return f"+{shown}" if shown > 0 else str(shown)


@register.filter
def gap_mark(flag):
    """▲ / ▲▲ for a gap flag (`scoring.gap_mark`), "" without one."""
    return _gap_mark(flag)
