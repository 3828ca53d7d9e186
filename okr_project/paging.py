"""Paging helpers shared by the apps' selectors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet


class Counted:
    """A queryset whose length is already known (from an aggregate): a paginator slices one
    page of it without a COUNT query of its own. `count` may be a function, asked once, the
    first time the length is needed (a page that does not show the list never asks)."""

    def __init__(self, queryset: QuerySet, count: int | Callable[[], int]):
        self.queryset = queryset
        self._count = count

    def count(self) -> int:
        if callable(self._count):
            self._count = self._count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __bool__(self) -> bool:
        return self.count() > 0

    def __getitem__(self, index: Any):
        return self.queryset[index]

    def __iter__(self):  # the whole list: for small callers and tests, never a page
        return iter(self.queryset)

    def __contains__(self, item: Any) -> bool:
        return self.queryset.filter(pk=getattr(item, "pk", item)).exists()
