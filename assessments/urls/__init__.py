"""The app's routes, one module per area; URL names are unique across them
(`{% url 'assessments:<name>' %}`)."""

from . import participants, questionsets, workspace

app_name = "assessments"

urlpatterns = (
    participants.urlpatterns + questionsets.urlpatterns + workspace.urlpatterns
)
