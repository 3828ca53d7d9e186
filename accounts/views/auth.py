"""Invitation accept page and the personal profile (name, password)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from accounts import selectors, services
from accounts.forms import AcceptInvitationForm, ProfileForm
from accounts.lockout import password_reset_allowed
from accounts.rules.lifecycle import invitation_is_pending
from accounts.services import passwords
from okr_project.web import apply_service_error

BACKEND = "django.contrib.auth.backends.ModelBackend"


RESET_LIMIT_MESSAGE = (
    "Too many password reset requests from here or for this address. "
    "Check your inbox (and spam folder) for the link we sent, or try again in an hour."
)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's form and pages; the mail itself is sent by a task, for known and unknown
    addresses alike, so the request does the same work either way
    (accounts/services/password_reset.py).

    Requests are limited per client IP and per email (`accounts.lockout`); past the limit
    the form says so, for known and unknown addresses alike, and sends nothing.
    """

    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not password_reset_allowed(self.request, email):
            form.add_error(None, RESET_LIMIT_MESSAGE)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        services.request_password_reset(email=email)
        return redirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; the new password is recorded as a reset, not a change
    (`accounts.services.passwords`)."""

    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        passwords.mark_as_reset(form.user)
        return super().form_valid(form)


def accept_invitation(request, token: str):
    invitation = selectors.get_invitation_by_token(token=token)
    if invitation is None or not invitation_is_pending(invitation):
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"invitation": invitation},
            status=404 if invitation is None else 410,
        )
    user = request.user if request.user.is_authenticated else None
    has_account = user is None and selectors.account_exists(email=invitation.email)
    wrong_user = user is not None and user.email.lower() != invitation.email.lower()
    form = None
    if user is None and not has_account:
        form = AcceptInvitationForm(request.POST or None, initial={"full_name": invitation.name})
    error = ""
    can_accept = not has_account and not wrong_user
    if request.method == "POST" and can_accept and (form is None or form.is_valid()):
        fields = {}
        if form is not None:
            fields = {
                "full_name": form.cleaned_data["full_name"],
                "password": form.cleaned_data["password1"],
            }
        try:
            membership = services.accept_invitation(invitation=invitation, user=user, **fields)
        except PermissionDenied as exc:
            error = str(exc)
        except ValidationError as exc:
            if form is not None:
                apply_service_error(form, exc)
            else:
                error = " ".join(exc.messages)
        else:
            if user is None:
                login(request, membership.user, backend=BACKEND)
            request.session["last_org_slug"] = invitation.organization.slug
            messages.success(request, f"Welcome to {invitation.organization.name}!")
            return redirect("okrs:my_okrs", org_slug=invitation.organization.slug)
    context = {
        "invitation": invitation,
        "form": form,
        "has_account": has_account,
        "wrong_user": wrong_user,
        "error": error,
    }
    failed = bool(error or (form is not None and form.errors))
    return render(
        request, "accounts/invitation_accept.html", context, status=400 if failed else 200
    )


@login_required
def profile(request):
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    profile_form = ProfileForm(
        request.POST if action == "profile" else None, initial={"full_name": user.full_name}
    )
    password_form = PasswordChangeForm(user, request.POST if action == "password" else None)
    if action == "profile" and profile_form.is_valid():
        try:
            services.update_profile(user=user, full_name=profile_form.cleaned_data["full_name"])
        except ValidationError as exc:
            apply_service_error(profile_form, exc)
        else:
            messages.success(request, "Your name was saved.")
            return redirect("accounts:profile")
    if action == "password" and password_form.is_valid():
        password_form.save()  # revokes the user's API tokens (User.save)
        # Keep this session logged in; other sessions end with the old password.
        update_session_auth_hash(request, password_form.user)
        messages.success(request, "Your password was changed.")
        return redirect("accounts:profile")
    failed = profile_form.errors or password_form.errors
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_form": profile_form,
            "password_form": password_form,
            "memberships": selectors.memberships_for_user(user=user),
        },
        status=400 if failed else 200,
    )
