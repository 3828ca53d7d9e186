from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import auth, switch

app_name = "accounts"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("switch/", switch.switch_org, name="switch_org"),
    path("profile/", auth.profile, name="profile"),
    path("invitations/<str:token>/", auth.accept_invitation, name="accept_invitation"),
    path(
        "password-reset/",
        auth.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("tokens/", include("accounts.token_urls")),
]
