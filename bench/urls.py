"""The app's URLs plus the two baseline views the benchmarks compare against."""

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from partnerscan.urls import urlpatterns as app_urlpatterns


class TenFieldForm(forms.Form):
    f0 = forms.CharField()
    f1 = forms.CharField()
    f2 = forms.IntegerField()
    f3 = forms.IntegerField()
    f4 = forms.EmailField()
    f5 = forms.BooleanField(required=False)
    f6 = forms.ChoiceField(choices=[(i, i) for i in range(5)])
    f7 = forms.CharField(widget=forms.Textarea)
    f8 = forms.DateField()
    f9 = forms.CharField()


@login_not_required
def bare_view(request):
    return HttpResponse("ok")


@login_not_required
def bare_template_view(request):
    return render(request, "bench/ten_field_form.html", {"form": TenFieldForm()})


urlpatterns = [
    path("bench/bare/", bare_view),
    path("bench/template/", bare_template_view),
    *app_urlpatterns,
]
