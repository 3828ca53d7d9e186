from django.views.generic import TemplateView

from accounts.tenancy import OrgRequiredMixin


class OrgChartView(OrgRequiredMixin, TemplateView):
    template_name = "accounts/orgchart.html"
