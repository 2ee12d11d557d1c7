from django.urls import path

from .views import (
    accounts,
    actions as action_views,
    activity,
    branding,
    erasure as erasure_views,
    exports as export_views,
    questionnaire,
    questionset_editor,
    questionset_preview,
    questionsets as questionset_views,
    report as report_views,
    results as results_views,
    sharing as sharing_views,
    two_factor,
    workshop,
)
from .views.live import (
    facilitator as live_facilitator,
    phone as live_phone,
    projector as live_projector,
)
from .views.workspace import (
    assessments as ws_assessments,
    dashboard,
    partnerships,
    respondents,
)

app_name = "assessments"

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
    # The question-set editor and preview (staff with the question-set permission).
    path(
        "questionsets/<int:pk>/edit/",
        questionset_editor.edit_questionset,
        name="questionset-edit",
    ),
    path(
        "questionsets/<int:pk>/new-draft/",
        questionset_editor.new_draft,
        name="questionset-new-draft",
    ),
    path(
        "questionsets/<int:pk>/statements/<int:question_pk>/remove/",
        questionset_editor.remove_question,
        name="questionset-question-remove",
    ),
    path(
        "questionsets/<int:pk>/dimensions/<int:dimension_pk>/remove/",
        questionset_editor.remove_dimension,
        name="questionset-dimension-remove",
    ),
    path(
        "questionsets/<int:pk>/preview/",
        questionset_preview.questionset_preview,
        name="questionset-preview",
    ),
    path(
        "questionsets/<int:pk>/preview/<str:lang>/",
        questionset_preview.preview_welcome,
        name="questionset-preview-welcome",
    ),
    path(
        "questionsets/<int:pk>/preview/<str:lang>/step/<int:step>/",
        questionset_preview.preview_step,
        name="questionset-preview-step",
    ),
    path(
        "questionsets/<int:pk>/preview/<str:lang>/review/",
        questionset_preview.preview_review,
        name="questionset-preview-review",
    ),
    path(
        "questionsets/<int:pk>/preview/<str:lang>/submit/",
        questionset_preview.preview_submit,
        name="questionset-preview-submit",
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
    # Consultant workspace: dashboard, partnerships, assessments, respondents.
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("account/", accounts.account, name="account"),
    # Two-step login: the code after the password, enrolment, recovery codes.
    path("login/code/", two_factor.verify_login, name="two-factor-verify"),
    path("account/two-factor/", two_factor.enrol_two_factor, name="two-factor-enrol"),
    path(
        "account/two-factor/recovery-codes/",
        two_factor.regenerate_recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path(
        "account/two-factor/disable/",
        two_factor.disable_two_factor,
        name="two-factor-disable",
    ),
    path("account/delete/", erasure_views.delete_account, name="account-delete"),
    path("account/branding/", branding.edit_branding, name="branding"),
    path("account/branding/logo/", branding.show_own_logo, name="branding-logo"),
    path(
        "assessments/<int:pk>/logo/",
        branding.show_assessment_logo,
        name="assessment-logo",
    ),
    path(
        "assessments/<int:pk>/branding.css",
        branding.show_assessment_branding_css,
        name="assessment-branding-css",
    ),
    path(
        "assessments/<int:pk>/word/",
        branding.edit_consultant_word,
        name="assessment-word",
    ),
    path(
        "partnerships/new/", partnerships.create_partnership, name="partnership-create"
    ),
    path(
        "partnerships/<int:pk>/",
        partnerships.show_partnership,
        name="partnership-detail",
    ),
    path(
        "partnerships/<int:pk>/edit/",
        partnerships.edit_partnership,
        name="partnership-edit",
    ),
    path(
        "partnerships/<int:pk>/archive/",
        partnerships.archive_partnership,
        name="partnership-archive",
    ),
    path(
        "partnerships/<int:pk>/unarchive/",
        partnerships.unarchive_partnership,
        name="partnership-unarchive",
    ),
    path(
        "partnerships/<int:pk>/activity/",
        activity.show_activity,
        name="partnership-activity",
    ),
    path(
        "partnerships/<int:pk>/delete/",
        erasure_views.delete_partnership,
        name="partnership-delete",
    ),
    path(
        "partnerships/<int:pk>/collaborators/add/",
        partnerships.add_collaborator,
        name="collaborator-add",
    ),
    path(
        "partnerships/<int:pk>/collaborators/<int:collaboration_pk>/rights/",
        partnerships.change_collaborator_rights,
        name="collaborator-rights",
    ),
    path(
        "partnerships/<int:pk>/collaborators/<int:collaboration_pk>/remove/",
        partnerships.remove_collaborator,
        name="collaborator-remove",
    ),
    path(
        "partnerships/<int:pk>/assessments/new/",
        ws_assessments.create_assessment,
        name="assessment-create",
    ),
    path(
        "assessments/<int:pk>/",
        ws_assessments.show_assessment,
        name="assessment-detail",
    ),
    path(
        "assessments/<int:pk>/settings/",
        ws_assessments.edit_assessment,
        name="assessment-edit",
    ),
    path(
        "assessments/<int:pk>/close/",
        ws_assessments.close_assessment,
        name="assessment-close",
    ),
    path(
        "assessments/<int:pk>/reopen/",
        ws_assessments.reopen_assessment,
        name="assessment-reopen",
    ),
    path(
        "assessments/<int:pk>/delete/",
        erasure_views.delete_assessment,
        name="assessment-delete",
    ),
    path(
        "assessments/<int:pk>/follow-up/",
        ws_assessments.start_follow_up,
        name="assessment-follow-up",
    ),
    path(
        "assessments/<int:pk>/invitations/",
        ws_assessments.send_invitations,
        name="assessment-invite",
    ),
    path(
        "assessments/<int:pk>/reminders/",
        ws_assessments.send_reminders,
        name="assessment-remind",
    ),
    path(
        "assessments/<int:pk>/respondents/add/",
        respondents.add_respondent,
        name="respondent-add",
    ),
    path(
        "assessments/<int:pk>/respondents/paste/",
        respondents.paste_respondents,
        name="respondent-paste",
    ),
    path(
        "assessments/<int:pk>/respondents/<int:respondent_pk>/edit/",
        respondents.edit_respondent,
        name="respondent-edit",
    ),
    path(
        "assessments/<int:pk>/respondents/<int:respondent_pk>/delete/",
        respondents.delete_respondent,
        name="respondent-delete",
    ),
    path(
        "assessments/<int:pk>/respondents/<int:respondent_pk>/data.json",
        erasure_views.download_respondent_data,
        name="respondent-data",
    ),
    path(
        "assessments/<int:pk>/respondents/<int:respondent_pk>/revoke/",
        respondents.revoke_link,
        name="respondent-revoke",
    ),
    path(
        "assessments/<int:pk>/respondents/<int:respondent_pk>/new-link/",
        respondents.replace_link,
        name="respondent-replace-link",
    ),
    path(
        "assessments/<int:pk>/respondents/<int:respondent_pk>/send/",
        respondents.send_invitation,
        name="respondent-send",
    ),
    path(
        "assessments/<int:pk>/respondents/<int:respondent_pk>/retry-mail/",
        respondents.retry_mail,
        name="respondent-mail-retry",
    ),
    # Results.
    path(
        "assessments/<int:pk>/results/",
        results_views.assessment_results,
        name="assessment-results",
    ),
    # Results shared with the partners: made in the workspace, opened by the link.
    path(
        "assessments/<int:pk>/share/",
        sharing_views.share_results,
        name="shared-link-add",
    ),
    path(
        "assessments/<int:pk>/share/<int:link_pk>/revoke/",
        sharing_views.revoke_shared_link,
        name="shared-link-revoke",
    ),
    path("r/<str:token>/", sharing_views.shared_results, name="shared-results"),
    path("r/<str:token>/report/", sharing_views.shared_report, name="shared-report"),
    path("r/<str:token>/logo/", sharing_views.shared_logo, name="shared-logo"),
    path(
        "r/<str:token>/branding.css",
        sharing_views.shared_branding_css,
        name="shared-branding-css",
    ),
    path(
        "r/<str:token>/report/status/",
        sharing_views.shared_report_status,
        name="shared-report-status",
    ),
    # Exports and imports.
    path(
        "assessments/<int:pk>/export/<str:fmt>/",
        export_views.export_results,
        name="assessment-export",
    ),
    path(
        "assessments/<int:pk>/export/<str:fmt>/status/",
        export_views.export_status,
        name="assessment-export-status",
    ),
    path(
        "assessments/<int:pk>/export/<str:fmt>/retry/",
        export_views.retry_export,
        name="assessment-export-retry",
    ),
    path(
        "assessments/<int:pk>/import/",
        export_views.import_responses,
        name="assessment-import",
    ),
    path(
        "assessments/<int:pk>/import/replace/",
        export_views.replace_imported_answers,
        name="assessment-import-replace",
    ),
    # PDF report.
    path(
        "assessments/<int:pk>/report/",
        report_views.download_report,
        name="assessment-report",
    ),
    path(
        "assessments/<int:pk>/report/status/",
        report_views.report_status,
        name="assessment-report-status",
    ),
    path(
        "assessments/<int:pk>/report/retry/",
        report_views.retry_report,
        name="assessment-report-retry",
    ),
    # Agreed actions.
    path(
        "assessments/<int:pk>/actions/new/",
        action_views.add_action,
        name="action-add",
    ),
    path(
        "assessments/<int:pk>/actions/export/",
        action_views.export_actions,
        name="action-export",
    ),
    path(
        "assessments/<int:pk>/actions/<int:action_pk>/",
        action_views.show_action,
        name="action-detail",
    ),
    path(
        "assessments/<int:pk>/actions/<int:action_pk>/edit/",
        action_views.edit_action,
        name="action-edit",
    ),
    path(
        "assessments/<int:pk>/actions/<int:action_pk>/status/",
        action_views.change_action_status,
        name="action-status",
    ),
    path(
        "assessments/<int:pk>/actions/<int:action_pk>/delete/",
        action_views.delete_action,
        name="action-delete",
    ),
    # Question sets, for the admins who maintain them (staff with the permission).
    path("questionsets/", questionset_views.questionset_list, name="questionset-list"),
    path(
        "questionsets/<int:pk>/",
        questionset_views.questionset_detail,
        name="questionset-detail",
    ),
    path(
        "questionsets/<int:pk>/publish/",
        questionset_views.questionset_publish_view,
        name="questionset-publish",
    ),
    path(
        "questionsets/<int:pk>/retire/",
        questionset_views.questionset_retire_view,
        name="questionset-retire",
    ),
    path(
        "questionsets/<int:pk>/download.<str:fmt>",
        questionset_views.questionset_download,
        name="questionset-download",
    ),
    path(
        "questionsets/<int:pk>/upload/",
        questionset_views.questionset_upload,
        name="questionset-upload",
    ),
]
