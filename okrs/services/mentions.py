"""@mentions: who a text names, among the people who may see what it is written on.

A mention is `@` followed by a member's email local part (`@jane.doe`) or full name
(`@Jane Doe`), case-insensitively. Only active members of the organization who may open the
objective can be mentioned; anything else stays plain text (and is not highlighted).
Candidates are found in SQL from the words after each `@`, so a mention costs the same in a
40-person and a 10,000-person company.
"""

from __future__ import annotations

import re

from django.db.models import Q

from accounts.models import Membership
from okrs.models import Objective
from okrs.rules import visibility

_TOKEN = re.compile(r"(?<![\w@])@([\w][\w.\-]*)")
MENTION_TAIL = r"(?![\w-]|\.\w)"  # "@owner." mentions owner; "@owner.x" does not
MAX_MENTIONS = 20


def names_of(member: Membership) -> list[str]:
    """The handles a member answers to: email local part, then full name."""
    names = [member.user.email.split("@")[0]]
    if member.user.full_name.strip():
        names.append(member.user.full_name.strip())
    return names


def match_mentions(body: str, members: list[Membership]) -> list[Membership]:
    """The members among `members` that `body` @mentions (pure; no queries)."""
    if "@" not in body:
        return []
    found: dict[int, Membership] = {}
    for m in members:
        for name in names_of(m):
            if re.search("@" + re.escape(name) + MENTION_TAIL, body, flags=re.IGNORECASE):
                found[m.pk] = m
                break
    return list(found.values())


def find_mentions(body: str, *, organization_id: int, objective: Objective) -> list[Membership]:
    """Active members `body` mentions who may open `objective` (three queries at most)."""
    tokens = {t.rstrip(".-").lower() for t in _TOKEN.findall(body or "")}
    tokens = sorted(t for t in tokens if t)[:MAX_MENTIONS]
    if not tokens:
        return []
    q = Q()
    for token in tokens:
        q |= Q(user__email__istartswith=f"{token}@") | Q(user__full_name__istartswith=token)
    candidates = list(
        Membership.objects.filter(organization_id=organization_id, is_active=True)
        .filter(q)
        .select_related("user")[: MAX_MENTIONS * 5]
    )
    visibility.prime_viewers(candidates)
    return [
        m for m in match_mentions(body, candidates) if visibility.can_view_objective(m, objective)
    ]
