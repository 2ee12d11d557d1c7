from django.urls import path

from .views import questionnaire

app_name = "assessments"

# One block per area; keep each block's routes together.
urlpatterns = [
    # Participants: invitation link and questionnaire.
    path("i/<str:token>/", questionnaire.invitation, name="invitation"),
    # Workshop ("samen invullen").
    # Consultant workspace: dashboard, partnerships, assessments, respondents.
    # Results.
    # Exports and imports.
    # PDF report.
]
