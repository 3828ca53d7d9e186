"""Settings pages for personal API tokens: list, create (shown once), revoke (confirmed)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.selectors import api_tokens_for_user, get_api_token
from accounts.services.tokens import create_api_token, revoke_api_token
from accounts.validators import validate_single_line
from okr_project.web import paginate

TOKENS_PAGE_SIZE = 50


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=80,
        help_text="What will use it, e.g. “BI export” or “Laptop script”.",
        validators=[validate_single_line],
    )


def _list_context(request, form: TokenForm, new_token: dict | None = None) -> dict:
    page = paginate(request, api_tokens_for_user(user=request.user), TOKENS_PAGE_SIZE)
    return {"form": form, "page": page, "tokens": page.object_list, "new_token": new_token}


@login_required
def token_list(request):
    return render(request, "accounts/tokens/list.html", _list_context(request, TokenForm()))


@login_required
@require_http_methods(["GET", "POST"])
def token_create(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = create_api_token(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # The raw token is shown once, in this response, and stored nowhere: not in the
            # session (a database row until the next page view), not in a flash message, not
            # in any cache (no-store). Reloading would post again and create another token.
            shown = {"name": token.name, "raw": raw}
            context = _list_context(request, TokenForm(), new_token=shown)
            response = render(request, "accounts/tokens/list.html", context, status=201)
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "accounts/tokens/list.html", _list_context(request, form))


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, token_id: int):
    token = get_api_token(user=request.user, pk=token_id)
    if request.method == "POST":
        revoke_api_token(token=token)
        messages.success(request, f"Token “{token.name}” revoked. It no longer works.")
        return redirect("accounts:tokens")
    return render(request, "accounts/tokens/confirm_revoke.html", {"token": token})
