"""The role sets the OKR rules share, each defined once.

- `LEADERSHIP` (admins, executives): see every objective, manage cycles, create company
  objectives, manage any key result's initiatives and risks;
- `COMPANY_WIDE` (leadership and champions): the whole company's health, closing cycles,
  grading any objective.
"""

from __future__ import annotations

from accounts.models import Membership, Role
from accounts.rules.policy import is_active_member

LEADERSHIP = frozenset({Role.ADMIN, Role.EXECUTIVE})
COMPANY_WIDE = LEADERSHIP | {Role.CHAMPION}


def in_leadership(m: Membership | None) -> bool:
    return is_active_member(m) and m.role in LEADERSHIP


def company_wide(m: Membership | None) -> bool:
    return is_active_member(m) and m.role in COMPANY_WIDE
