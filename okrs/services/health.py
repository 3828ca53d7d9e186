"""Health pages read stored tallies and count what no stored tally answers; these keep what
was counted, so the next reader finds it (the report itself is `okrs.selectors.health`)."""

from __future__ import annotations

from typing import Any

from okrs import selectors
from okrs.selectors.health import HealthReport, UnitOverview
from okrs.services import health_tally


def health_report(**scope: Any) -> HealthReport:
    """`selectors.health_report` (same arguments), storing the tallies it recounted."""
    report = selectors.health_report(**scope)
    health_tally.store(report.recount)
    return report


def unit_overview(**scope: Any) -> UnitOverview:
    """`selectors.unit_overview` (same arguments), storing the tallies it recounted."""
    overview = selectors.unit_overview(**scope)
    health_tally.store(overview.report.recount)
    return overview
