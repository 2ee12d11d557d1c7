"""What participants open without an account: the questionnaire behind an
invitation link, the workshop screen's routes and the live session (facilitator,
projector, phones)."""

from django.urls import path

from ..views import (
    questionnaire,
    workshop,
)
from ..views.live import (
    facilitator as live_facilitator,
    phone as live_phone,
    projector as live_projector,
)

# One block per area; keep each block's routes together.
urlpatterns = [
    # Participants: invitation link and questionnaire.
    path("i/<str:token>/", questionnaire.open_invitation, name="invitation"),
    path("q/", questionnaire.show_welcome, name="questionnaire-welcome"),
    path("q/logo/", questionnaire.show_welcome_logo, name="questionnaire-logo"),
    path("q/consent/", questionnaire.give_consent, name="questionnaire-consent"),
    path("q/step/<int:step>/", questionnaire.answer_step, name="questionnaire-step"),
    path("q/save/", questionnaire.save_answers, name="questionnaire-save"),
    path("q/review/", questionnaire.review_answers, name="questionnaire-review"),
    path("q/submit/", questionnaire.submit_answers, name="questionnaire-submit"),
    path("q/thanks/", questionnaire.show_thanks, name="questionnaire-thanks"),
    path(
        "q/my-data.json",
        questionnaire.download_own_data,
        name="questionnaire-own-data",
    ),
    path(
        "q/my-answers.csv",
        questionnaire.download_own_answers,
        name="questionnaire-own-answers",
    ),
    # Workshop ("samen invullen").
    path(
        "assessments/<int:pk>/workshop/start/",
        workshop.start_workshop,
        name="workshop-start",
    ),
    path(
        "assessments/<int:pk>/workshop/step/<int:step>/",
        workshop.answer_workshop_step,
        name="workshop-step",
    ),
    path(
        "assessments/<int:pk>/workshop/save/",
        workshop.save_workshop_answers,
        name="workshop-save",
    ),
    path(
        "assessments/<int:pk>/workshop/review/",
        workshop.review_workshop,
        name="workshop-review",
    ),
    path(
        "assessments/<int:pk>/workshop/finish/",
        workshop.finish_workshop,
        name="workshop-finish",
    ),
    path(
        "assessments/<int:pk>/workshop/reopen/",
        workshop.reopen_workshop,
        name="workshop-reopen",
    ),
    # Live session: the facilitator (edit rights), the projector (its link is
    # the key) and the participants' phones (the join code is the key).
    path(
        "assessments/<int:pk>/live/",
        live_facilitator.start_live_session,
        name="live-start",
    ),
    path(
        "assessments/<int:pk>/live/<int:session_pk>/",
        live_facilitator.run_live_session,
        name="live-facilitator",
    ),
    path(
        "assessments/<int:pk>/live/<int:session_pk>/poll/",
        live_facilitator.poll_live_session,
        name="live-facilitator-poll",
    ),
    path(
        "assessments/<int:pk>/live/<int:session_pk>/control/",
        live_facilitator.control_live_session,
        name="live-control",
    ),
    path(
        "assessments/<int:pk>/live/<int:session_pk>/agreement/",
        live_facilitator.save_agreement,
        name="live-agreement",
    ),
    path(
        "assessments/<int:pk>/live/<int:session_pk>/end/",
        live_facilitator.end_live_session,
        name="live-end",
    ),
    path(
        "assessments/<int:pk>/live/<int:session_pk>/projector/revoke/",
        live_facilitator.revoke_projector,
        name="live-projector-revoke",
    ),
    path(
        "assessments/<int:pk>/live/<int:session_pk>/projector/new/",
        live_facilitator.renew_projector,
        name="live-projector-new",
    ),
    path(
        "live/screen/<str:token>/", live_projector.show_projector, name="live-projector"
    ),
    path(
        "live/screen/<str:token>/poll/",
        live_projector.poll_projector,
        name="live-projector-poll",
    ),
    path("live/", live_phone.join_live_session, name="live-join"),
    path(
        "live/organisation/",
        live_phone.choose_live_organisation,
        name="live-organisation",
    ),
    path("live/phone/", live_phone.show_live_phone, name="live-phone"),
    path("live/phone/poll/", live_phone.poll_live_phone, name="live-phone-poll"),
    # The same poll with the page's poll key (assessments/live/polling.py).
    path(
        "live/phone/poll/<str:token>/",
        live_phone.poll_live_phone,
        name="live-phone-poll-keyed",
    ),
    path("live/phone/answer/", live_phone.save_live_answers, name="live-phone-answer"),
    path(
        "live/phone/hand-in/", live_phone.hand_in_live_step, name="live-phone-hand-in"
    ),
    path(
        "live/phone/change/", live_phone.change_live_answers, name="live-phone-change"
    ),
]
