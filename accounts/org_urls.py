from django.urls import path

from accounts.views import orgchart

app_name = "orgchart"

urlpatterns = [
    path("", orgchart.OrgChartView.as_view(), name="chart"),
]
