"""The consultant's workspace: dashboard and account, two-step login,
partnerships, scans, respondents, results, shared links, exports, the report and
the agreed actions."""

from django.urls import path

from ..views import (
    accounts,
    actions as action_views,
    activity,
    branding,
    erasure as erasure_views,
    exports as export_views,
    report as report_views,
    results as results_views,
    sharing as sharing_views,
    two_factor,
)
from ..views.workspace import (
    assessments as ws_assessments,
    dashboard,
    partnerships,
    respondents,
)

# One block per area; keep each block's routes together.
urlpatterns = [
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
]
