"""Personal API token settings pages (owned by the API work)."""

from django.urls import path

from accounts.views import tokens

urlpatterns = [
    path("", tokens.token_list, name="tokens"),
    path("new/", tokens.token_create, name="token_create"),
    path("<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
]
