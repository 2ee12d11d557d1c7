"""The PDF report's agreed actions (issue 15): a section by dimension (action, owner,
due date, status), the trend's line of what was done and what changed, and a new
report when an action changes. Rendered by the real WeasyPrint; the download goes
through the real worker."""

import os
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.actions.writes import action_change_status
from assessments.models import Action
from assessments.report import build_report_context, render_pdf
from assessments.report.limits import ACTIONS_IN_REPORT
from assessments.workspace import assessment_follow_up

from .conftest import PASSWORD, download_prepared, make_action
from .test_report import answer_pattern, fill, pdf_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def with_actions(assessment):
    fill(assessment)
    late = make_action(
        assessment,
        title="Contractmodel opstellen",
        description="Een eerste versie voor de stuurgroep.",
        dimension="RS4",
        person="Jan de Vries",
    )
    Action.objects.filter(pk=late.pk).update(due_on=TODAY - timedelta(days=2))
    done = make_action(assessment, title="Kennismakingsdag", dimension="BV1")
    action_change_status(action=done, status="done", note="Gehouden", user=None)
    make_action(
        assessment,
        title="Samen de voortgang bespreken",
        jointly=True,
        owners=[],
        due_on=TODAY + timedelta(days=60),
    )
    return assessment


@pytest.mark.slow
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_report_lists_the_actions_by_dimension(with_actions, language, tmp_path):
    pdf = render_pdf(build_report_context(with_actions, language))
    text = pdf_text(pdf)
    lead = {
        "nl": "Wat de partners hebben afgesproken te doen, per dimensie",
        "en": "What the partners agreed to do, by dimension",
    }[language]
    section = text[text.index(lead) :]
    # By dimension in the question set's order, general actions last.
    assert (
        section.index("Kennismakingsdag")
        < section.index("Contractmodel opstellen")
        < section.index("Samen de voortgang bespreken")
    )
    words = {
        "nl": ("Jan de Vries", "over de datum", "afgerond", "alle partners samen"),
        "en": ("Jan de Vries", "overdue", "done", "all partners together"),
    }[language]
    for word in words:
        assert word in section, word
    due = (TODAY - timedelta(days=2)).strftime("%Y")
    assert due in section
    if shutil.which("pdftoppm") and os.environ.get("ACTIONS_PNG_DIR"):
        # For a look at the pages while working on them (not in CI).
        folder = os.environ["ACTIONS_PNG_DIR"]
        (tmp_path / "r.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "r.pdf", f"{folder}/{language}"],
            cwd=tmp_path,
            check=True,
        )


@pytest.mark.slow
def test_the_follow_ups_report_says_what_was_done(with_actions):
    done = Action.objects.get(title="Kennismakingsdag")
    follow_up = assessment_follow_up(
        assessment=with_actions,
        question_set=with_actions.question_set,
        title="Na een jaar",
        actions=list(Action.objects.listed_under(with_actions).pending()),
    )
    for shift, respondent in enumerate(follow_up.respondents.all()):
        answer_pattern(respondent, shift=shift + 1)
    text = pdf_text(render_pdf(build_report_context(follow_up, "nl")))
    assert "Wat er gedaan is, en wat er veranderd is" in text
    assert "BV1 Kies de juiste partner: 1 actie afgerond · score" in text
    assert "RS4 Afspraken en contracten: 0 acties afgerond, 1 nog open" in text
    # Carried actions are in the follow-up's own list too, marked as such.
    section = text[text.index("Wat de partners hebben afgesproken te doen") :]
    assert "uit de vorige scan" in section
    assert done.title not in section


def test_a_long_list_is_cut_with_open_actions_first(assessment):
    for index in range(ACTIONS_IN_REPORT + 3):
        action = make_action(assessment, title=f"Actie {index}")
        if index < 5:
            Action.objects.filter(pk=action.pk).update(status="done")
    context = build_report_context(assessment, "en")
    shown = [a for group in context["report_action_groups"] for a in group["actions"]]
    assert len(shown) == ACTIONS_IN_REPORT and context["more_actions"] == 3
    # The 98 open ones, then two of the five done: three done ones are left out.
    assert [action["pending"] for action in shown].count(False) == 2
    assert any("agreed actions are listed up to" in s for s in context["report_limits"])


@pytest.mark.slow
def test_the_downloaded_report_follows_a_status_change(client, owner, with_actions):
    client.login(username=owner.username, password=PASSWORD)
    url = reverse("assessments:assessment-report", args=[with_actions.pk])
    first = b"".join(download_prepared(client, url, {"lang": "nl"}).streaming_content)
    late = Action.objects.get(title="Contractmodel opstellen")
    client.post(
        reverse("assessments:action-status", args=[with_actions.pk, late.pk]),
        {"status": "done", "note": "Getekend"},
    )
    second = b"".join(download_prepared(client, url, {"lang": "nl"}).streaming_content)
    assert first != second
    text = pdf_text(second)
    section = text[text.index("Wat de partners hebben afgesproken te doen") :]
    assert "Getekend" not in section  # the note is the history's, not the report's
    assert "over de datum" not in section.split("Wat er gedaan is")[0]
