"""The question-set editor in a real browser (issue 17): an admin who has never seen
Django makes a new draft of the set in use, rewords a statement in both languages,
adds one, reorders two, changes a weight and an advice text, saves, and previews
step 3 in English at phone width. The editor fits a phone and a laptop, and passes
axe."""

import pytest
from django.contrib.auth.models import Permission

from assessments.models import Question, QuestionSet
from tests.conftest import make_assessment, make_partnership, make_user

from .conftest import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = None


def _fits(page, width):
    return page.evaluate("document.documentElement.scrollWidth") <= width


def _look(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def _statement(page, question):
    return page.locator(f"#q{question.pk}")


def test_an_admin_edits_a_new_draft_and_previews_it_in_english_on_a_phone(
    page, context, live_server, question_set
):
    problems = []
    context.on(
        "console",
        lambda message: message.type == "error" and problems.append(message.text),
    )
    make_assessment(make_partnership(make_user("owner")), question_set)  # in use
    editor = make_user("editor", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_questionset"))
    log_in(context, live_server, editor)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Vragensets").first.click()
    page.get_by_role("link", name=f"Versie {question_set.version}").first.click()
    page.get_by_role("link", name="Openen in de editor").click()
    assert page.locator("fieldset.qs-fields[disabled]").count() == 1
    page.get_by_role("button", name="Nieuwe conceptversie maken").click()
    draft = QuestionSet.objects.get(version=question_set.version + 1)
    assert f"/questionsets/{draft.pk}/edit/" in page.url

    bv1 = draft.dimensions.get(code="BV1")
    first, second = bv1.questions.order_by("position")[:2]
    text = _statement(page, first)
    text.get_by_label("Stelling (Nederlands)").fill("Wij kozen elkaar met open ogen.")
    text.get_by_label("Stelling (Engels)").fill("We chose each other with open eyes.")
    # The Dutch changed, the English too: no "older" flag; as you type, a text
    # emptied is named at once.
    _statement(page, second).get_by_label("Gewicht").fill("2")
    page.locator(f"#d{bv1.pk} summary").click()
    page.get_by_label("Advies bij rood (Nederlands)").first.fill(
        "Begin met een eerlijk gesprek over wat ieder zoekt."
    )
    page.locator(f"#d{bv1.pk}").get_by_role("button", name="Stelling toevoegen").click()
    new = bv1.questions.order_by("-position").first()
    assert new.code == f"BV1.{bv1.questions.count()}"
    assert page.url.endswith(f"#q{new.pk}")
    added = _statement(page, new)
    added.get_by_label("Stelling (Nederlands)").fill(
        "We vieren samen kleine successen."
    )
    added.get_by_label("Stelling (Engels)").fill(
        "We celebrate small successes together."
    )
    _statement(page, second).get_by_role("button", name="Omhoog").click()
    page.get_by_role("button", name="Opslaan").first.click()
    page.get_by_text("Opgeslagen.").wait_for()

    first.refresh_from_db()
    second.refresh_from_db()
    new.refresh_from_db()
    bv1.refresh_from_db()
    assert first.text_en == "We chose each other with open eyes."
    assert second.weight == 2 and second.position < first.position
    assert new.text_en == "We celebrate small successes together."
    assert bv1.advice_red_nl.startswith("Begin met een eerlijk gesprek")
    codes = list(bv1.questions.order_by("position").values_list("code", flat=True))
    assert codes[:2] == [second.code, first.code]  # moved, codes kept

    # As you type: an emptied English text is named at its field, and the page
    # warns before it is left with the change unsaved.
    english = _statement(page, first).get_by_label("Stelling (Engels)")
    english.fill("")
    assert _statement(page, first).get_by_text("Deze tekst ontbreekt.").is_visible()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Voorbeeld", exact=True).click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    english.fill("We chose each other with open eyes.")
    page.get_by_role("button", name="Opslaan").first.click()
    page.get_by_text("Opgeslagen.").wait_for()

    assert _fits(page, 1280)
    _look(page, "editor-1280")
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 800})
    assert _fits(page, 360)
    _look(page, "editor-360")

    # The preview: step 3 in English at phone width, nothing written.
    respondents = draft.assessments.count()
    page.goto(f"{live_server.url}/questionsets/{draft.pk}/preview/")
    page.get_by_label("Taal van de vragenlijst").select_option("en")
    page.get_by_label("Breedte").select_option("phone")
    page.get_by_label("Pagina").select_option("3")
    page.get_by_role("button", name="Tonen").click()
    third = draft.dimensions.order_by("position")[2]
    frame = page.frame_locator("iframe.qs-preview-frame")
    frame.get_by_role("heading", name=third.name_en).wait_for()
    assert frame.get_by_text("Step 3 of 14").first.is_visible()
    assert page.locator("iframe.qs-preview-frame").bounding_box()["width"] == 360
    _look(page, "preview-frame-360")
    page.goto(f"{live_server.url}/questionsets/{draft.pk}/preview/en/step/3/")
    assert _fits(page, 360)
    _look(page, "preview-step3-en-360")
    page.get_by_role("button", name="Next").click()
    page.get_by_text("Step 4 of 14").first.wait_for()
    assert draft.assessments.count() == respondents
    assert not Question.objects.filter(answers__isnull=False).exists()
    assert problems == []
