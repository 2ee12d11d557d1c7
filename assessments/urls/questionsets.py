"""The question sets, for the admins who maintain them: list, versions, editor,
preview, publish and retire, spreadsheet and JSON round trip."""

from django.urls import path

from ..views import (
    questionset_editor,
    questionset_preview,
    questionsets as questionset_views,
)

# One block per area; keep each block's routes together.
urlpatterns = [
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
]
