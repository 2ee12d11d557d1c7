"""A consultant sets up their branding and writes their word, then reads the results
page with both, on a phone and on a desktop (screenshots in the test artifacts)."""

import os

import pytest
from PIL import Image

from tests.test_results import _people

from .conftest import log_in, serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

SHOTS = os.environ.get("ARTIFACTS_DIR", "/tmp/partnerscan-artifacts") + "/branding"


@pytest.mark.parametrize("width", [360, 1280])
def test_the_consultant_brands_the_results_and_writes_a_foreword(
    browser, live_server, owner, assessment, tmp_path, width
):
    _people(assessment, "Alfa", [4, 5])
    _people(assessment, "Beta", [2])
    logo = tmp_path / "logo.png"
    Image.new("RGB", (480, 160), (122, 31, 92)).save(logo, "PNG")
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl")
    context.set_default_timeout(15_000)
    log_in(context, live_server, owner)
    page = context.new_page()
    os.makedirs(SHOTS, exist_ok=True)

    page.goto(live_server.url + "/account/branding/")
    assert serious_violations(page) == []
    page.get_by_label("Naam van praktijk of bureau").fill("Adviesbureau Rits")
    page.get_by_label("Accentkleur").fill("#7a1f5c")
    page.get_by_label("E-mailadres contactpersoon").fill("kim@rits.example")
    page.get_by_label("Logo", exact=True).set_input_files(str(logo))
    page.get_by_role("button", name="Opslaan").click()
    assert "Je huisstijl is opgeslagen." in page.content()

    page.goto(f"{live_server.url}/assessments/{assessment.pk}/results/")
    page.get_by_role("link", name="Schrijf een voorwoord en adviezen").click()
    page.get_by_label("Voorwoord / managementsamenvatting").fill(
        "De partners zijn <strong>klaar</strong>.<script>alert(1)</script>"
        '<img src="https://evil.example/x.png">'
    )
    page.get_by_label("Advies 1").fill("Leg de afspraken vast")
    dialogs = []
    page.on("dialog", lambda d: dialogs.append(d) or d.dismiss())
    page.get_by_role("button", name="Opslaan").click()

    assert (
        page.locator(".results-branding").inner_text().startswith("Adviesbureau Rits")
    )
    logo_width = page.locator(".results-branding img").evaluate("i => i.naturalWidth")
    assert logo_width == 480
    word = page.locator(".consultant-word")
    assert word.locator("strong", has_text="klaar").count() == 1
    assert word.locator("img").count() == 0
    assert "Leg de afspraken vast" in word.inner_text()
    assert dialogs == []  # no script ran
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    page.screenshot(path=f"{SHOTS}/results-{width}.png", full_page=False)
    context.close()
