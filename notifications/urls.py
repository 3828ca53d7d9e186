"""/o/<org_slug>/notifications/…"""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/read/", views.mark_read, name="mark_read"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("settings/", views.notification_settings, name="settings"),
    path("log/", views.notification_log, name="log"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
