"""My OKRs, check-ins, objective/KR detail, initiatives, risks, comments."""

from django.urls import path

from okrs.views import my_okrs

urlpatterns = [
    path("", my_okrs.MyOkrsView.as_view(), name="my_okrs"),
]
