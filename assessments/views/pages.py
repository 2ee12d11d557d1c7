"""Public pages."""

from django.shortcuts import render


def home(request):
    return render(request, "assessments/home.html")
