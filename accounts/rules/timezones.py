"""The time zones a person picks from: current IANA names, grouped by region.

The names are those of the tz database's `zone.tab` (one or more per country, each the
current name: `America/New_York`, `Asia/Kolkata`, `Europe/Kyiv`), plus `UTC`; the legacy
aliases the database still ships for old software (`US/Eastern`, `Asia/Calcutta`, `GB`,
`EST5EDT`, `Etc/GMT+5`…) are never offered. The table comes with `tzdata` (a dependency of
django-celery-beat), else the system's /usr/share/zoneinfo.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache
from importlib import resources
from pathlib import Path

UTC = "UTC"
SYSTEM_TABLE = Path("/usr/share/zoneinfo/zone.tab")


def _table() -> str:
    try:
        return resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return SYSTEM_TABLE.read_text("utf-8") if SYSTEM_TABLE.exists() else ""


@lru_cache(maxsize=1)
def current_zone_names() -> tuple[str, ...]:
    """Every current zone name (zone.tab's third column) this Python can load, and UTC."""
    names = {UTC}
    for line in _table().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        columns = line.split("\t")
        if len(columns) >= 3:
            names.add(columns[2].strip())
    return tuple(sorted(n for n in names if n == UTC or _loads(n)))


def _loads(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def region_of(name: str) -> str:
    """ "Europe" for Europe/Berlin; UTC is its own group."""
    return name.split("/", 1)[0] if "/" in name else name


def place_of(name: str) -> str:
    """What a person looks for: "Berlin", "Buenos Aires (Argentina)", "UTC"."""
    if "/" not in name:
        return name
    parts = name.split("/")[1:]
    place = parts[-1].replace("_", " ")
    within = [p.replace("_", " ") for p in parts[:-1]]
    return f"{place} ({', '.join(within)})" if within else place


def offset_text(name: str, at: dt.datetime | None = None) -> str:
    """The zone's offset from UTC at `at` (default now), e.g. "UTC+05:30", "UTC−03:00"."""
    at = at or dt.datetime.now(dt.UTC)
    offset = at.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def grouped_choices(*, keep: str = "", at: dt.datetime | None = None) -> list:
    """Choices for a <select> with one <optgroup> per region (UTC first), each option labelled
    with its place and current offset. `keep`: a stored value that is not a current name (an
    old alias) stays selectable, said to be one, so saving other settings never fails."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in current_zone_names():
        label = f"{place_of(name)} · {offset_text(name, at)}" if name != UTC else UTC
        groups.setdefault(region_of(name), []).append((name, label))
    for options in groups.values():
        options.sort(key=lambda option: option[1].lower())
    ordered = sorted(groups.items(), key=lambda item: (item[0] != UTC, item[0]))
    if keep and keep not in current_zone_names():
        ordered.insert(0, ("Current setting", [(keep, f"{keep} (an old name: pick its place)")]))
    return [(region, options) for region, options in ordered]
