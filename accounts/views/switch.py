from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from accounts.tenancy import get_membership_for_request


@login_required
def switch_org(request):
    """Switch the current organization (remembered in the session)."""
    slug = request.GET.get("org", "")
    get_membership_for_request(user=request.user, org_slug=slug)  # 404 if not a member
    request.session["last_org_slug"] = slug
    return redirect("okrs:my_okrs", org_slug=slug)
