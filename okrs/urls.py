"""Web URLs under /o/<org_slug>/. Split by area so each module stays small."""

from okrs.views.urls_planning import urlpatterns as planning_urls
from okrs.views.urls_work import urlpatterns as work_urls

app_name = "okrs"

urlpatterns = [*work_urls, *planning_urls]
