"""@mentions: what a text names. A mention is `@` followed by a member's email local part
(`@jane.doe`) or full name (`@Jane Doe`), case-insensitively. Who may be mentioned (active
members who may open the objective) is `okrs.selectors.people.find_mentions`; the comment
renderer highlights exactly the mentions stored, matched with these same rules.
"""

from __future__ import annotations

import re

from accounts.models import Membership

TOKEN = re.compile(r"(?<![\w@])@([\w][\w.\-]*)")
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


def mention_tokens(body: str) -> list[str]:
    """The distinct words after each `@` (lower case, at most MAX_MENTIONS): what a mention
    could be, before it is matched against members."""
    tokens = {t.rstrip(".-").lower() for t in TOKEN.findall(body or "")}
    return sorted(t for t in tokens if t)[:MAX_MENTIONS]
