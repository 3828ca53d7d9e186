"""The crawl: every page a logged-in person reaches from a start page by following links.

`crawl(client, start, prefix=…)` follows every `href` and `hx-get` under `prefix` (the
organization's pages) breadth-first with the Django test client and yields each URL with
its response. The privacy test reads every page it reaches for a private objective's
markers; the browser tests take one page of each kind (`page_kinds`) and look at it in
Chromium at phone and desktop width.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

from django.urls import Resolver404, resolve

LINK = re.compile(r'(?:href|hx-get)="(/[^"#]*)"')


def crawl(
    client,
    start: str,
    *,
    prefix: str,
    limit: int = 400,
    extra: tuple[str, ...] = (),
    one_per_kind: bool = False,
) -> Iterator[tuple[str, object]]:
    """(url, response) for `start`, `extra` and every page linked from them under `prefix`
    (at most `limit` pages; logout links are not followed). `one_per_kind`: only the first
    URL of each kind (`page_kind`) is fetched, so the walk reaches every kind of page in a
    few dozen requests."""
    seen: set[str] = set()
    kinds: set[tuple] = set()
    queue = deque([start, *extra])
    while queue and len(seen) < limit:
        url = queue.popleft().replace("&amp;", "&")
        if url in seen or "/logout" in url:
            continue
        if one_per_kind:
            if page_kind(url) in kinds:
                continue
            kinds.add(page_kind(url))
        seen.add(url)
        response = client.get(url, HTTP_ACCEPT="text/html,application/json")
        yield url, response
        if "html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode(errors="replace")
        for link in LINK.findall(body):
            link = link.replace("&amp;", "&")
            if link.startswith(prefix) and link not in seen:
                queue.append(link)


def page_kind(url: str) -> tuple[str, tuple[str, ...]]:
    """What kind of page a URL is: its view and the names of its query parameters (so the
    alignment tree and the tree filtered by unit are two kinds, two objectives one)."""
    parts = urlsplit(url)
    try:
        view = resolve(parts.path).view_name
    except Resolver404:
        view = parts.path
    return view, tuple(sorted({name for name, _ in parse_qsl(parts.query)}))


def page_kinds(pages: Iterator[tuple[str, object]]) -> list[str]:
    """The first URL of each kind among the pages that answered 200 with HTML."""
    found: dict[tuple, str] = {}
    for url, response in pages:
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            found.setdefault(page_kind(url), url)
    return list(found.values())
