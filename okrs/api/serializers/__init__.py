"""Request/response shapes of the OKR API. Shape only: services decide what is allowed."""

from okrs.api.serializers.collaboration import (
    CommentSerializer,
    InitiativeSerializer,
    RiskSerializer,
)
from okrs.api.serializers.grading import (
    CopyUnfinishedResultSerializer,
    CopyUnfinishedSerializer,
    CycleGradesResultSerializer,
    CycleGradesSerializer,
)
from okrs.api.serializers.okrs import (
    AlignmentNodeSerializer,
    AuditEntrySerializer,
    CheckInSerializer,
    CheckInWriteSerializer,
    CycleSerializer,
    KeyResultSerializer,
    ObjectiveSerializer,
    PaginatedAlignmentNodeSerializer,
)

__all__ = [
    "AlignmentNodeSerializer",
    "AuditEntrySerializer",
    "CheckInSerializer",
    "CheckInWriteSerializer",
    "CommentSerializer",
    "CopyUnfinishedResultSerializer",
    "CopyUnfinishedSerializer",
    "CycleGradesResultSerializer",
    "CycleGradesSerializer",
    "CycleSerializer",
    "InitiativeSerializer",
    "KeyResultSerializer",
    "ObjectiveSerializer",
    "PaginatedAlignmentNodeSerializer",
    "RiskSerializer",
]
