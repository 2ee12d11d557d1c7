"""The consultant's journey with answers on paper: download, fill in, upload."""

import pytest

from assessments.models import Answer, Respondent

from ..conftest import PASSWORD, answer_all, make_respondent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, user):
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def test_a_consultant_downloads_the_csv_adds_a_paper_form_and_uploads_it(
    page, live_server, owner, assessment, tmp_path
):
    answer_all(make_respondent(assessment, label="Anna"), 4)
    _log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")

    with page.expect_download() as download:
        page.click(f"a[href$='/assessments/{assessment.pk}/export/csv/']")
    exported = tmp_path / "answers.csv"
    download.value.save_as(exported)
    assert download.value.suggested_filename.startswith("partnerscan-alfa-beta-")
    # A paper form for someone new: Anna's rows under another name and organisation.
    text = exported.read_text("utf-8-sig")
    paper = [line.replace("Anna,Alfa", "Piet,Beta") for line in text.splitlines()[1:]]
    filled = tmp_path / "with-paper.csv"
    filled.write_text(text + "\r\n".join(paper) + "\r\n", "utf-8-sig")

    page.set_input_files("input[name=file]", str(filled))
    page.click(".import-form button[type=submit]")

    page.wait_for_url(f"**/assessments/{assessment.pk}/")
    assert "geïmporteerd" in page.locator(".messages").inner_text()
    piet = Respondent.objects.get(label="Piet")
    assert piet.organisation.name == "Beta" and piet.is_submitted
    assert Answer.objects.filter(respondent=piet).count() == (
        Answer.objects.filter(respondent__label="Anna").count()
    )


def test_a_bad_upload_shows_every_bad_line_and_offers_the_form_again(
    page, live_server, owner, assessment, tmp_path
):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "respondent;organisation;dimension;question;value\r\n"
        "Piet;Gamma;BV1;BV1.1;3\r\n"
        "Piet;Alfa;BV1;BV1.1;9\r\n",
        "utf-8",
    )
    _log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    page.set_input_files("input[name=file]", str(bad))
    page.click(".import-form button[type=submit]")

    problems = page.locator(".import-problems li").all_inner_texts()
    assert [problem.split(":")[0] for problem in problems] == ["Regel 2", "Regel 3"]
    assert page.locator(".import-form input[name=file]").is_visible()
    assert not Respondent.objects.exists()
