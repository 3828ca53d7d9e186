from django.views.generic import TemplateView

from accounts.tenancy import OrgRequiredMixin


class MyOkrsView(OrgRequiredMixin, TemplateView):
    """Placeholder home page for a member; the Web UI issue fills it in."""

    template_name = "okrs/my_okrs.html"
