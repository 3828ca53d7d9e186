"""Posting a comment on an objective or key result (htmx or plain form)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from okr_project.web import paginate, submit_to_service
from okrs import selectors, services
from okrs.forms import CommentForm
from okrs.models import KeyResult, Objective
from okrs.rules import policy

COMMENTS_PAGE_SIZE = 20


def comments_context(
    request: HttpRequest, target: Objective | KeyResult, *, post_url: str, form=None
) -> dict:
    """The comments section: oldest first, 20 a page, opening on the latest page (`?comments=`
    names another), so a just-posted comment is on the page the htmx re-render shows."""
    comments = selectors.comments_for(organization=request.organization, target=target)
    return {
        "comments": paginate(request, comments, COMMENTS_PAGE_SIZE, param="comments", latest=True),
        "comment_form": form or CommentForm(),
        "comment_url": post_url,
        "can_comment": policy.can_comment(request.membership, target),
        "organization": request.organization,
    }


def post_comment(
    request: HttpRequest, target: Objective | KeyResult, *, post_url: str, back_url: str
) -> HttpResponse:
    """Add the comment; htmx gets the refreshed comments section, a plain POST a redirect."""
    form = CommentForm(request.POST)
    if request.method == "POST" and form.is_valid():
        kind = "key_result" if isinstance(target, KeyResult) else "objective"
        ok, _ = submit_to_service(
            form,
            lambda: services.add_comment(
                actor=request.membership, body=form.cleaned_data["body"], **{kind: target}
            ),
        )
        if ok:
            form = None
            if not request.htmx:
                messages.success(request, "Comment added.")
                return redirect(f"{back_url}#comments")
    if request.method != "POST":
        return redirect(f"{back_url}#comments")
    ctx = comments_context(request, target, post_url=post_url, form=form)
    status = 200 if request.htmx or form is None else 422
    if request.htmx:
        return render(request, "okrs/work/_comments.html", ctx, status=status)
    return render(
        request, "okrs/work/comment_form.html", {**ctx, "back_url": back_url}, status=status
    )
