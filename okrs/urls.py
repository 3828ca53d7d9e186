"""Web URLs under /o/<org_slug>/. Split by area so each module stays small."""

from okrs.views.planning.urls import urlpatterns as planning_urls
from okrs.views.work.urls import urlpatterns as work_urls

app_name = "okrs"

urlpatterns = [*work_urls, *planning_urls]
