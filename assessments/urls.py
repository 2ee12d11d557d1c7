from django.urls import path

from .views import questionnaire

app_name = "assessments"

urlpatterns = [
    path("i/<str:token>/", questionnaire.invitation, name="invitation"),
]
