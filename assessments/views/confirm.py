"""Asking first: one confirmation page for every action that cannot simply be undone.

An action's URL acts only on a POST that carries `confirmed`. A GET, or a POST
without it (the plain button on the page the action sits on), gets a page that says
what will happen, with a button that posts again with `confirmed` and a way back.
The server decides, not a script: a stale page, a double click or a browser without
JavaScript never acts on one click, and the buttons stay ordinary forms.
"""

from django.shortcuts import render

CONFIRMED = "confirmed"


def is_confirmed(request) -> bool:
    """True for a POST sent from a confirmation page."""
    return request.method == "POST" and request.POST.get(CONFIRMED) == "yes"


def confirm_page(
    request,
    *,
    title: str,
    consequences: list[str],
    button: str,
    cancel_url: str,
    items: list[str] | None = None,
    alternative: tuple[str, str] | None = None,
    danger: bool = True,
    context: dict | None = None,
    base: str = "base.html",
):
    """The confirmation page of an action: nothing has changed yet.

    `consequences` are sentences saying what will happen; `items` an optional list
    of what it applies to (names); `alternative` an optional (label, url) offered
    before the action itself, such as the first open statement; `context` adds what
    the base template needs (the breadcrumb's `partnership`, `assessment`).
    """
    page = {
        "title": title,
        "consequences": consequences,
        "items": items or [],
        "button": button,
        "cancel_url": cancel_url,
        "alternative": alternative,
        "danger": danger,
        "base_template": base,
        "confirmed_field": CONFIRMED,
        **(context or {}),
    }
    return render(request, "assessments/confirm_action.html", page)
