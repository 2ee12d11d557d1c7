import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_landing_page_renders_with_local_styles(page, live_server):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Klaar voor een strategisch partnerschap?"
    # Bootstrap is served by the app itself: the navbar got its styles.
    assert (
        page.locator(".navbar").evaluate("e => getComputedStyle(e).display") == "flex"
    )
    assert failed == []
