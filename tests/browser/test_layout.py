"""The shared page frame on a phone and by keyboard: a header that fits, tables that
scroll and can be reached with Tab, and verdict colours that pass WCAG AA contrast."""

import pytest

from tests.test_results import _people

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# WCAG 2 contrast ratio of an element's text against the first opaque background
# behind it, from the computed styles.
CONTRAST = """el => {
  const rgb = value => value.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  let node = el, background = [255, 255, 255];
  while (node && node.nodeType === 1) {
    const parts = rgb(getComputedStyle(node).backgroundColor);
    if (parts.length < 4 || parts[3] === 1) { background = parts.slice(0, 3); break; }
    node = node.parentElement;
  }
  const a = luminance(rgb(getComputedStyle(el).color));
  const b = luminance(background);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.fixture
def phone(browser, live_server, owner, assessment):
    _people(assessment, "Alfa", [4, 5])
    _people(assessment, "Beta", [2])  # amber: the zipper rule caps a green index
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl")
    context.set_default_timeout(15_000)
    log_in(context, live_server, owner)
    page = context.new_page()
    page.goto(live_server.url + "/dashboard/")
    yield page
    context.close()


def test_the_amber_verdict_badge_passes_aa_contrast(phone):
    badge = phone.locator(".verdict-badge.verdict-amber")
    assert badge.count() == 1
    assert badge.evaluate(CONTRAST) >= 4.5


def test_the_amber_band_on_the_results_page_passes_aa_contrast(phone, assessment):
    phone.goto(
        phone.url.replace("/dashboard/", f"/assessments/{assessment.pk}/results/")
    )
    for label in phone.locator(".results-band-amber").all()[:3]:
        assert label.evaluate(CONTRAST) >= 4.5


def test_tab_reaches_the_scrolling_table_which_has_a_name(phone):
    container = phone.locator(".table-responsive").first
    for _ in range(40):
        phone.keyboard.press("Tab")
        if container.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the scrolling table")
    assert container.get_attribute("role") == "region"
    assert container.get_attribute("aria-label") or container.get_attribute(
        "aria-labelledby"
    )
    # Focused, the arrow keys scroll it sideways.
    assert container.evaluate("el => el.scrollWidth > el.clientWidth")
    phone.keyboard.press("ArrowRight")
    phone.wait_for_function(
        "() => document.querySelector('.table-responsive').scrollLeft > 0"
    )


def test_the_header_fits_a_phone_with_padding_and_one_line_of_links(phone):
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    brand = phone.locator(".navbar-brand").bounding_box()
    language = phone.locator(".language-switch").bounding_box()
    assert brand["x"] >= 8
    assert language["x"] + language["width"] <= 360 - 8
    tops = {
        round(box["y"])
        for box in (
            link.bounding_box()
            for link in phone.locator(".site-nav-links .nav-link").all()
        )
    }
    assert len(tops) == 1  # the three links on one line
    assert phone.locator("header").bounding_box()["height"] <= 110  # two lines
