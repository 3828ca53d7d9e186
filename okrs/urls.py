from django.urls import path

from okrs.views import my_okrs

app_name = "okrs"

urlpatterns = [
    path("", my_okrs.MyOkrsView.as_view(), name="my_okrs"),
]
