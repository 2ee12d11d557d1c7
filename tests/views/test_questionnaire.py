"""The participant's questionnaire: invitation link, steps, autosave, review, submit."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    Answer,
    Assessment,
    DimensionComment,
    Question,
    QuestionSet,
    Respondent,
)
from assessments.questionnaire import AnswersLocked, answers_lock, questionnaire_steps
from assessments.questionsets import questionset_import
from tests.conftest import (
    CONFIRMED,
    answer_all,
    make_assessment,
    make_respondent,
    questionset_data,
)

pytestmark = pytest.mark.django_db

WELCOME = reverse("assessments:questionnaire-welcome")
SAVE = reverse("assessments:questionnaire-save")
REVIEW = reverse("assessments:questionnaire-review")
SUBMIT = reverse("assessments:questionnaire-submit")
THANKS = reverse("assessments:questionnaire-thanks")


def step_url(number):
    return reverse("assessments:questionnaire-step", args=[number])


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()  # throttle counters live in the cache, shared by all tests


def start(client, respondent):
    """Open the respondent's invitation link, as a participant would."""
    response = client.get(respondent.invitation_path())
    assert response.status_code == 302
    return response


def questions_of(respondent, step=1):
    steps = questionnaire_steps(respondent.assessment.question_set)
    return list(steps[step - 1].questions)


def answers(respondent):
    return dict(
        Answer.objects.filter(respondent=respondent).values_list(
            "question__code", "value"
        )
    )


@pytest.fixture
def participant(client, respondent):
    start(client, respondent)
    return client


# --- the invitation link ---------------------------------------------------------


def test_the_link_starts_a_session_and_lands_on_a_clean_url(client, respondent):
    response = client.get(respondent.invitation_path())
    assert response.status_code == 302
    assert response.url == WELCOME
    assert respondent.raw_token not in response.url
    assert response["Referrer-Policy"] == "no-referrer"
    respondent.refresh_from_db()
    assert respondent.started_at is not None
    welcome = client.get(WELCOME)
    assert welcome.status_code == 200
    assert respondent.raw_token not in welcome.text


def test_opening_the_link_again_keeps_the_first_start_time(client, respondent):
    start(client, respondent)
    respondent.refresh_from_db()
    first = respondent.started_at
    start(client, respondent)
    respondent.refresh_from_db()
    assert respondent.started_at == first


def test_the_link_rotates_the_session_key(client, respondent):
    client.get(WELCOME)  # an anonymous session may exist already
    client.session.save()
    before = client.session.session_key
    start(client, respondent)
    assert client.session.session_key != before


@pytest.mark.parametrize("case", ["unknown", "revoked", "closed", "closing_date"])
def test_unknown_revoked_and_closed_links_get_the_same_page(client, respondent, case):
    path = respondent.invitation_path()
    if case == "unknown":
        path = reverse("assessments:invitation", args=["f" * 64])
    elif case == "revoked":
        respondent.revoke_token()
        respondent.save()
    elif case == "closed":
        Assessment.objects.filter(pk=respondent.assessment_id).update(status="closed")
    else:
        yesterday = timezone.localdate() - timezone.timedelta(days=1)
        Assessment.objects.filter(pk=respondent.assessment_id).update(
            closes_on=yesterday
        )
    response = client.get(path)
    assert response.status_code == 404
    assert "Deze link is niet geldig" in response.text
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.get(WELCOME).status_code == 404  # and no session was started


def test_a_workshop_group_has_no_working_link(client, assessment):
    group = make_respondent(assessment, label="Alfa (workshop)", is_group=True)
    assert client.get(group.invitation_path()).status_code == 404


def test_guessing_links_is_throttled(client, respondent):
    bad = reverse("assessments:invitation", args=["0" * 64])
    statuses = [client.get(bad).status_code for _ in range(31)]
    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429
    # While blocked, even a real link waits: guessing gains nothing.
    assert client.get(respondent.invitation_path()).status_code == 429


def test_questionnaire_pages_need_the_link(client):
    for url in (WELCOME, step_url(1), REVIEW, THANKS):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Deze link is niet geldig" in response.text
    assert client.post(SAVE, {"q-1": "3"}).status_code == 404
    assert client.post(SUBMIT).status_code == 404


REVOKED_NL = "Deze link is ingetrokken. Vraag je adviseur om een nieuwe link."


@pytest.mark.parametrize("change", ["revoke_token", "issue_token"])
def test_revoking_the_link_ends_an_open_session_and_says_so(
    participant, respondent, change
):
    assert participant.get(WELCOME).status_code == 200
    getattr(respondent, change)()
    respondent.save()
    for url in (WELCOME, step_url(1), REVIEW):
        response = participant.get(url)
        assert response.status_code == 410, url
        assert REVOKED_NL in response.text
    # Navigating by the step's own buttons (a plain post) is told the same.
    question = questions_of(respondent)[0]
    response = participant.post(step_url(1), {f"q-{question.pk}": "3", "nav": "next"})
    assert response.status_code == 410
    assert REVOKED_NL in response.text
    assert answers(respondent) == {}


def test_an_autosave_after_the_link_was_revoked_says_it_was_revoked(
    participant, respondent
):
    question = questions_of(respondent)[0]
    respondent.revoke_token()
    respondent.save()
    response = participant.post(SAVE, {f"q-{question.pk}": "3"}, HTTP_HX_REQUEST="true")
    # A status of its own (not a retryable error) with the words for the status
    # line: the script shows it as final and does not retry.
    assert response.status_code == 410
    assert REVOKED_NL in response.text
    assert 'data-state="error"' in response.text
    assert "probeer opnieuw" not in response.text.lower()
    assert answers(respondent) == {}


def test_the_revoked_message_speaks_english_too(client, assessment):
    english = make_respondent(assessment, label="Emma", language="en")
    start(client, english)
    english.revoke_token()
    english.save()
    response = client.post(SAVE, {"q-1": "3"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 410
    assert "This link has been revoked. Ask your consultant for a new link." in (
        response.text
    )


def test_a_beacon_save_is_accepted_with_the_csrf_token_as_a_form_field(
    respondent,
):
    """sendBeacon posts the whole form as multipart, without htmx's headers; the
    CSRF token travels as the form's own hidden field."""
    browser = Client(enforce_csrf_checks=True)
    start(browser, respondent)
    token = browser.get(step_url(1)).context["csrf_token"]
    dimension = questionnaire_steps(respondent.assessment.question_set)[0].dimension
    response = browser.post(
        SAVE, {"csrfmiddlewaretoken": str(token), f"c-{dimension.pk}": "Laat"}
    )
    assert response.status_code == 200
    assert DimensionComment.objects.get(respondent=respondent).text == "Laat"


def test_a_session_belongs_to_one_respondent_at_a_time(client, respondent, assessment):
    other = make_respondent(assessment, label="Bert")
    start(client, respondent)
    start(client, other)
    question = questions_of(respondent)[0]
    client.post(SAVE, {f"q-{question.pk}": "2"}, HTTP_HX_REQUEST="true")
    assert answers(other) == {question.code: 2}
    assert answers(respondent) == {}


def test_the_link_speaks_the_participants_language(client, assessment):
    english = make_respondent(assessment, label="Emma", language="en")
    start(client, english)
    response = client.get(WELCOME)
    assert '<html lang="en">' in response.text
    assert "Start the scan" in response.text


def test_the_language_switch_keeps_the_participant_in_the_questionnaire(
    participant, respondent
):
    response = participant.post(
        reverse("set_language"),
        {"language": "en", "next": step_url(2)},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == step_url(2)
    assert '<html lang="en">' in response.text
    assert "Step 2 of 14" in response.text
    respondent.refresh_from_db()
    assert respondent.language == "en"  # the next visit opens in English


# --- welcome and steps -----------------------------------------------------------


def test_the_welcome_page_explains_the_scan(participant):
    text = participant.get(WELCOME).text
    assert "5 basisvoorwaarden" in text
    assert "9 ritsschakels" in text
    assert "85 stellingen in 14 stappen, ongeveer 20 minuten" in text
    assert "Wie ziet wat" in text and "Je privacy" in text
    assert "Kies de juiste partner" in text
    assert 'action="/i18n/setlang/"' in text


def test_the_welcome_page_offers_the_start_before_the_explanation(participant):
    # On a phone the explanation is screens long: the start is offered above it too.
    text = participant.get(WELCOME).text
    start = reverse("assessments:questionnaire-step", args=[1])
    first_start = text.index(f'href="{start}"')
    assert first_start < text.index("basisvoorwaarden</h2>")
    assert text.count(f'href="{start}"') == 2


def test_a_step_shows_its_statements_on_the_written_out_scale(participant, respondent):
    response = participant.get(step_url(3))
    assert response.status_code == 200
    text = response.text
    step = questionnaire_steps(respondent.assessment.question_set)[2]
    assert "Stap 3 van 14" in text
    assert '<progress class="step-progress-bar" max="14" value="3"' in text
    assert step.dimension.name_nl in text
    assert text.count("<fieldset") == len(step.questions)
    assert text.count("<legend") == len(step.questions)
    for label in ("Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"):
        assert label in text
    assert "Weet niet / n.v.t." in text
    question = step.questions[0]
    assert f'id="q-{question.pk}-4"' in text
    assert f'for="q-{question.pk}-4"' in text
    assert 'maxlength="2000"' in text
    assert f'data-hx-post="{SAVE}"' in text
    assert "style=" not in text and "<script>" not in text


@pytest.mark.parametrize("number", [0, 15, 999])
def test_a_step_outside_the_set_is_not_found(participant, number):
    assert participant.get(step_url(number)).status_code == 404


# --- saving ----------------------------------------------------------------------


def test_autosave_stores_every_posted_answer(participant, respondent):
    first, second, third = questions_of(respondent)[:3]
    response = participant.post(
        SAVE,
        {f"q-{first.pk}": "5", f"q-{second.pk}": "na", f"q-{third.pk}": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Opgeslagen om" in response.text
    assert answers(respondent) == {first.code: 5, second.code: None}
    # The step's progress line follows along ("weet niet" counts as answered).
    total = Question.objects.filter(
        dimension__question_set=respondent.assessment.question_set
    ).count()
    assert (
        f'<span id="answered-count" class="text-body-secondary" '
        f'data-hx-swap-oob="true">2 van {total} stellingen beantwoord</span>'
    ) in response.text


def test_autosave_overwrites_a_changed_answer(participant, respondent):
    question = questions_of(respondent)[0]
    participant.post(SAVE, {f"q-{question.pk}": "2"})
    participant.post(SAVE, {f"q-{question.pk}": "4"})
    assert answers(respondent) == {question.code: 4}
    assert Answer.objects.filter(respondent=respondent).count() == 1


def test_autosave_keeps_and_clears_a_comment(participant, respondent):
    dimension = questionnaire_steps(respondent.assessment.question_set)[0].dimension
    participant.post(SAVE, {f"c-{dimension.pk}": "  Goed punt.  "})
    assert DimensionComment.objects.get(respondent=respondent).text == "Goed punt."
    participant.post(SAVE, {f"c-{dimension.pk}": ""})
    assert not DimensionComment.objects.filter(respondent=respondent).exists()


@pytest.mark.parametrize("value", ["0", "6", "-1", "3.5", "abc", "1 OR 1=1"])
def test_autosave_refuses_a_value_outside_the_scale(participant, respondent, value):
    first, second = questions_of(respondent)[:2]
    participant.post(SAVE, {f"q-{first.pk}": "3"})
    response = participant.post(
        SAVE, {f"q-{first.pk}": value, f"q-{second.pk}": "4"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "Niet opgeslagen" in response.text
    assert "Kies een waarde van 1 tot 5" in response.text
    assert answers(respondent) == {first.code: 3}


def test_autosave_refuses_a_question_from_another_set(participant, respondent):
    other_set = questionset_import(data=_renamed_set("andere-set"))
    foreign = Question.objects.filter(dimension__question_set=other_set).first()
    own = questions_of(respondent)[0]
    for key in (f"q-{foreign.pk}", "q-999999", "q-abc", "c-999999"):
        response = participant.post(SAVE, {key: "3", f"q-{own.pk}": "4"})
        assert response.status_code == 400
        assert "horen niet bij deze scan" in response.text
    assert answers(respondent) == {}
    assert not Answer.objects.filter(question=foreign).exists()


def test_autosave_with_nothing_to_save_says_so(participant, respondent):
    response = participant.post(SAVE, {"unrelated": "x"})
    assert response.status_code == 400
    assert "niets om op te slaan" in response.text
    assert answers(respondent) == {}


def test_autosave_only_accepts_post(participant):
    assert participant.get(SAVE).status_code == 405


def test_a_plain_post_saves_the_step_and_moves_on(participant, respondent):
    steps = questionnaire_steps(respondent.assessment.question_set)
    step = steps[1]
    data = {f"q-{q.pk}": "4" for q in step.questions}
    data[f"c-{step.dimension.pk}"] = "Zonder JavaScript."
    response = participant.post(step_url(2), {**data, "nav": "next"})
    assert response.status_code == 302
    assert response.url == step_url(3)
    assert answers(respondent) == {q.code: 4 for q in step.questions}
    assert DimensionComment.objects.get(respondent=respondent).text == (
        "Zonder JavaScript."
    )
    assert participant.post(step_url(2), {"nav": "back"}).url == step_url(1)
    assert participant.post(step_url(1), {"nav": "back"}).url == WELCOME
    assert participant.post(step_url(14), {"nav": "next"}).url == REVIEW
    assert participant.post(step_url(5), {"nav": "review"}).url == REVIEW


def test_a_plain_post_with_a_bad_value_shows_the_error_beside_it(
    participant, respondent
):
    first, second = questions_of(respondent)[:2]
    response = participant.post(
        step_url(1), {f"q-{first.pk}": "9", f"q-{second.pk}": "4", "nav": "next"}
    )
    assert response.status_code == 400
    text = response.text
    assert "Er is niets opgeslagen" in text
    assert f'id="q-{first.pk}-error"' in text
    assert f'aria-describedby="q-{first.pk}-error"' in text
    assert f'href="#q-{first.pk}-error"' in text
    assert answers(respondent) == {}


def test_a_too_long_comment_is_refused_and_kept_for_editing(participant, respondent):
    dimension = questionnaire_steps(respondent.assessment.question_set)[0].dimension
    text = "x" * 2001
    response = participant.post(step_url(1), {f"c-{dimension.pk}": text, "nav": "next"})
    assert response.status_code == 400
    assert "maximaal 2000 tekens" in response.text
    assert text in response.text
    assert not DimensionComment.objects.exists()


def test_missing_csrf_gets_a_friendly_page_and_changes_nothing(respondent):
    strict = Client(enforce_csrf_checks=True)
    start(strict, respondent)
    question = questions_of(respondent)[0]
    response = strict.post(SAVE, {f"q-{question.pk}": "3"})
    assert response.status_code == 403
    assert "verlopen" in response.text, response.text[response.text.index("<main") :]
    assert answers(respondent) == {}


def test_a_post_with_too_many_fields_gets_a_friendly_400(participant, respondent):
    question = questions_of(respondent)[0]
    data = {f"x{i}": "1" for i in range(1001)}
    data[f"q-{question.pk}"] = "3"
    response = participant.post(SAVE, data)
    assert response.status_code == 400
    assert answers(respondent) == {}


def test_an_oversized_post_gets_a_friendly_413(participant, respondent):
    dimension = questionnaire_steps(respondent.assessment.question_set)[0].dimension
    response = participant.post(
        step_url(1),
        f"c-{dimension.pk}=" + "x" * (3 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    # Refused before it is read (tests/test_request_limits.py).
    assert response.status_code == 413
    assert not DimensionComment.objects.exists()


def test_a_malformed_post_gets_a_400(participant, respondent):
    response = participant.post(
        SAVE,
        b"--nope\r\ngarbage",
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400
    assert answers(respondent) == {}


def test_another_respondents_answers_stay_out_of_reach(
    participant, respondent, assessment, other_respondent
):
    colleague = make_respondent(assessment, label="Bert")
    question = questions_of(respondent)[0]
    Answer.objects.create(respondent=colleague, question=question, value=1)
    Answer.objects.create(respondent=other_respondent, question=question, value=1)
    participant.post(
        SAVE,
        {f"q-{question.pk}": "5", "respondent": colleague.pk},
    )
    assert answers(colleague) == {question.code: 1}
    assert answers(other_respondent) == {question.code: 1}
    assert answers(respondent) == {question.code: 5}
    page = participant.get(REVIEW).text
    assert page.count("Helemaal eens") == 1  # only Anna's own answer


# --- resuming, review, submit --------------------------------------------------


def test_the_link_resumes_at_the_first_step_with_an_open_statement(client, respondent):
    steps = questionnaire_steps(respondent.assessment.question_set)
    Answer.objects.bulk_create(
        Answer(respondent=respondent, question=q, value=3)
        for step in steps[:3]
        for q in step.questions
    )
    Answer.objects.bulk_create(
        Answer(respondent=respondent, question=q, value=2)
        for q in steps[3].questions[:-1]
    )
    response = start(Client(), respondent)
    assert response.url == step_url(4)
    page = client
    start(page, respondent)
    text = page.get(step_url(4)).text
    first = steps[3].questions[0]
    assert re.search(rf'id="q-{first.pk}-2"\s+value="2"\s+checked', text) or (
        f'id="q-{first.pk}-2" value="2" checked' in text
    )


def test_a_complete_participant_resumes_at_the_review(client, respondent):
    answer_all(respondent)
    assert start(client, respondent).url == REVIEW


def test_the_review_marks_unanswered_statements_with_text_and_a_link(
    participant, respondent
):
    steps = questionnaire_steps(respondent.assessment.question_set)
    Answer.objects.bulk_create(
        Answer(respondent=respondent, question=q, value=4)
        for step in steps
        for q in step.questions[1:]
    )
    text = participant.get(REVIEW).text
    assert "14 stellingen hebben nog geen antwoord" in text
    assert text.count("Nog niet beantwoord") == 14 + 1  # 14 marks + the notice
    missing = steps[4].questions[0]
    assert f'href="{step_url(5)}#s-{missing.pk}"' in text
    assert 'class="review-item is-missing"' in text


def test_the_review_counts_open_statements_and_goes_back_to_the_first(
    participant, respondent
):
    steps = questionnaire_steps(respondent.assessment.question_set)
    Answer.objects.bulk_create(
        Answer(respondent=respondent, question=q, value=4)
        for step in steps[:3]
        for q in step.questions
    )
    answered = sum(len(step.questions) for step in steps[:3])
    text = participant.get(REVIEW).text
    assert f"Nog {85 - answered} van 85 stellingen open" in text
    first_open = f'href="{step_url(4)}#s-{steps[3].questions[0].pk}"'
    # The notice's link, the statement's own link, and the button that used to
    # go back to step 14.
    assert text.count(first_open) == 3
    assert "Naar de eerste open stelling" in text
    assert f'href="{step_url(14)}">Terug naar de laatste stap' not in text


def test_the_review_goes_back_to_the_last_step_when_all_is_answered(
    participant, respondent
):
    answer_all(respondent)
    text = participant.get(REVIEW).text
    assert f'href="{step_url(14)}">Terug naar de laatste stap' in text
    assert "stellingen open" not in text


def test_sending_with_open_statements_asks_first(participant, respondent):
    steps = questionnaire_steps(respondent.assessment.question_set)
    Answer.objects.bulk_create(
        Answer(respondent=respondent, question=q, value=4) for q in steps[0].questions
    )
    response = participant.post(SUBMIT)
    assert response.status_code == 200
    answered = len(steps[0].questions)
    assert f"Nog {85 - answered} van 85 stellingen open" in response.text
    assert f'href="{step_url(2)}#s-{steps[1].questions[0].pk}"' in response.text
    assert "Toch versturen" in response.text
    assert f'href="{REVIEW}"' in response.text
    respondent.refresh_from_db()
    assert respondent.submitted_at is None

    response = participant.post(SUBMIT, CONFIRMED)
    assert response.url == THANKS
    respondent.refresh_from_db()
    assert respondent.submitted_at is not None


def test_sending_a_complete_questionnaire_does_not_ask_again(participant, respondent):
    answer_all(respondent)
    assert participant.post(SUBMIT).url == THANKS
    respondent.refresh_from_db()
    assert respondent.submitted_at is not None


def test_submitting_locks_the_answers(participant, respondent):
    other = Client()
    start(other, respondent)
    question = questions_of(respondent)[0]
    participant.post(SAVE, {f"q-{question.pk}": "3"})
    response = participant.post(SUBMIT, CONFIRMED)
    assert response.url == THANKS
    respondent.refresh_from_db()
    submitted_at = respondent.submitted_at
    assert submitted_at is not None
    assert "Bedankt" in participant.get(THANKS).text

    # Submitting ended this browser's session (tests/test_participant_session.py):
    # a second click on "send" leads to the thank-you page and changes nothing; a
    # browser that opened the link before meets the lock.
    assert participant.post(SUBMIT).url == THANKS
    respondent.refresh_from_db()
    assert respondent.submitted_at == submitted_at

    refused = other.post(SAVE, {f"q-{question.pk}": "5"})
    assert refused.status_code == 409
    assert "verstuurd en kunnen niet meer worden gewijzigd" in refused.text
    plain = other.post(step_url(1), {f"q-{question.pk}": "5", "nav": "next"})
    assert plain.status_code == 409
    assert answers(respondent) == {question.code: 3}
    assert "disabled" in other.get(step_url(1)).text
    assert other.post(SUBMIT).url == THANKS  # sending twice changes nothing
    assert start(Client(), respondent).url == THANKS


def test_submit_only_accepts_post(participant, respondent):
    assert participant.get(SUBMIT).status_code == 405
    respondent.refresh_from_db()
    assert respondent.submitted_at is None


def test_thanks_before_submitting_leads_to_the_review(participant):
    assert participant.get(THANKS).url == REVIEW


def test_a_closed_scan_accepts_no_more_answers_and_says_so(participant, respondent):
    question = questions_of(respondent)[0]
    Assessment.objects.filter(pk=respondent.assessment_id).update(status="closed")
    response = participant.post(SAVE, {f"q-{question.pk}": "3"})
    assert response.status_code == 409
    assert "gesloten" in response.text
    assert "gesloten" in participant.get(step_url(1)).text
    submit = participant.post(SUBMIT, follow=True)
    assert "gesloten" in submit.text
    respondent.refresh_from_db()
    assert respondent.submitted_at is None
    assert answers(respondent) == {}


def test_one_rule_says_why_answers_are_locked(assessment, respondent):
    """`answers_lock` is the one definition the pages and the writes all ask."""
    assert answers_lock(assessment, [respondent]) is None
    respondent.submitted_at = timezone.now()
    assert answers_lock(assessment, [respondent]).reason == AnswersLocked.SUBMITTED
    assert answers_lock(assessment) is None  # a submission locks only its own
    assessment.status = Assessment.Status.CLOSED
    assert answers_lock(assessment).reason == AnswersLocked.CLOSED
    assert answers_lock(assessment, [respondent]).reason == AnswersLocked.CLOSED


# --- query counts ------------------------------------------------------------------


def _set_with_first_dimension_of(size, slug, status=QuestionSet.Status.PUBLISHED):
    data = _renamed_set(slug)
    template = data["dimensions"][0]["questions"][0]
    data["dimensions"][0]["questions"] = [
        {**template, "code": f"{template['code']}-{i}"} for i in range(size)
    ]
    return questionset_import(data=data, status=status)


def _renamed_set(slug):
    data = questionset_data()
    data["slug"] = slug
    return data


@pytest.mark.parametrize("size", [3, 12])
def test_a_step_costs_the_same_queries_whatever_its_size(
    client, partnership, size, django_assert_num_queries
):
    question_set = _set_with_first_dimension_of(size, f"size-{size}")
    respondent = make_respondent(make_assessment(partnership, question_set))
    start(client, respondent)
    client.post(SAVE, {f"q-{q.pk}": "3" for q in questions_of(respondent)})
    # session, respondent, answers, comment (the locked set's structure is cached)
    with django_assert_num_queries(4):
        response = client.get(step_url(1))
    assert response.text.count("<fieldset") == size


@pytest.mark.parametrize("size", [3, 12])
def test_a_step_of_a_draft_set_costs_the_same_queries_whatever_its_size(
    client, partnership, size, django_assert_num_queries
):
    question_set = _set_with_first_dimension_of(
        size, f"draft-{size}", status=QuestionSet.Status.DRAFT
    )
    respondent = make_respondent(make_assessment(partnership, question_set))
    start(client, respondent)
    # session, respondent, dimensions, questions, answers, comment
    with django_assert_num_queries(6):
        response = client.get(step_url(1))
    assert response.text.count("<fieldset") == size


def test_a_draft_set_is_read_afresh_on_every_request(client, partnership):
    question_set = _set_with_first_dimension_of(
        2, "draft-edit", status=QuestionSet.Status.DRAFT
    )
    respondent = make_respondent(make_assessment(partnership, question_set))
    start(client, respondent)
    assert "Nieuwe tekst" not in client.get(step_url(1)).text
    Question.objects.filter(dimension__question_set=question_set).update(
        text_nl="Nieuwe tekst"
    )
    assert client.get(step_url(1)).text.count("Nieuwe tekst") == 2


@pytest.mark.parametrize("size", [1, 12])
def test_an_autosave_costs_the_same_queries_whatever_it_carries(
    client, partnership, size, django_assert_num_queries
):
    question_set = _set_with_first_dimension_of(12, f"autosave-{size}")
    respondent = make_respondent(make_assessment(partnership, question_set))
    start(client, respondent)
    data = {f"q-{q.pk}": "4" for q in questions_of(respondent)[:size]}
    data[f"c-{questions_of(respondent)[0].dimension_id}"] = "Notitie"
    # session, respondent, then one transaction (2 statements to open and close
    # it): stamp the respondent, upsert answers, upsert comments; then one UPDATE
    # that moves the report's due time on (the scan is busy: an earlier save
    # queued its report, background/files.py), and the count of answers for the
    # progress line. The question ids come from the cached structure of the
    # locked set.
    start_page = client.get(step_url(1))
    assert start_page.status_code == 200
    earlier = {f"q-{questions_of(respondent, step=2)[0].pk}": "2"}
    assert client.post(SAVE, earlier).status_code == 200
    with django_assert_num_queries(9):
        response = client.post(SAVE, data)
    assert response.status_code == 200
    assert Answer.objects.filter(respondent=respondent).count() == size + 1


def test_the_respondent_row_is_stamped_by_a_save(participant, respondent):
    before = Respondent.objects.get(pk=respondent.pk).updated_at
    question = questions_of(respondent)[0]
    participant.post(SAVE, {f"q-{question.pk}": "3"})
    assert Respondent.objects.get(pk=respondent.pk).updated_at > before
