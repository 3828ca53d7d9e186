"""OKR domain: cycles, objectives (an alignment tree), key results, check-ins and their satellites.

Every table carries `organization` (TenantModel); indexes and unique constraints lead with it.
Progress fields are caches written only by services (see okrs/rules/progress.py for the math).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from tree_queries.models import TreeNode
from tree_queries.query import TreeQuerySet

from accounts.models import Membership, OrgUnit, TenantModel
from accounts.validators import validate_single_line


class Cycle(TenantModel):
    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=80, validators=[validate_single_line])
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNING)
    # When check-ins opened (the cycle became active): a week before it owed no check-ins.
    activated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="cycle_unique_name"),
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="cycle_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Level(models.TextChoices):
    COMPANY = "company", "Company"
    DEPARTMENT = "department", "Department"
    TEAM = "team", "Team"
    INDIVIDUAL = "individual", "Individual"


# Lower rank = higher in the cascade. A parent must rank the same or higher.
LEVEL_RANK = {Level.COMPANY: 0, Level.DEPARTMENT: 1, Level.TEAM: 2, Level.INDIVIDUAL: 3}


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"


class Rollup(models.TextChoices):
    """Where an objective's progress comes from (okrs/rules/progress.py `objective_progress`)."""

    KEY_RESULTS = "key_results", "Its key results"
    CHILDREN = "children", "Its aligned objectives"
    BOTH = "both", "Both: key results and aligned objectives"


def live_q(prefix: str = "") -> models.Q:
    """Not in the trash: the one definition, for objectives and key results (`prefix` reaches
    one from another model, e.g. "objective__"). The default managers filter with it, so a
    trashed row is "not found" everywhere by construction; `all_objects` sees the trash."""
    return models.Q(**{f"{prefix}deleted_at__isnull": True})


class LiveTreeManager(models.Manager.from_queryset(TreeQuerySet)):
    """Objectives not in the trash (`live_q`); `all_objects` sees the trash (restore, purge)."""

    def get_queryset(self):
        return super().get_queryset().filter(live_q())


class LiveManager(models.Manager):
    """Key results not in the trash (`live_q`)."""

    def get_queryset(self):
        return super().get_queryset().filter(live_q())


class Objective(TenantModel, TreeNode):
    """An objective; `parent` (from TreeNode) is the objective it aligns to."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Everyone in the organization"
        PRIVATE = "private", "Owner, unit leads and executives"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="objectives")
    level = models.CharField(max_length=12, choices=Level.choices)
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="objectives"
    )
    owner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="objectives")
    title = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    status_override = models.CharField(max_length=12, choices=Status.choices, blank=True)
    rollup = models.CharField(max_length=12, choices=Rollup.choices, default=Rollup.KEY_RESULTS)
    progress = models.FloatField(default=0.0)
    grade = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    retrospective = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = LiveTreeManager()
    all_objects = models.Manager.from_queryset(TreeQuerySet)()

    class Meta:
        default_manager_name = "objects"
        ordering = ["title"]
        indexes = [
            models.Index(fields=["organization", "cycle", "level"]),
            models.Index(fields=["organization", "parent"]),
            models.Index(fields=["organization", "owner"]),
            models.Index(fields=["organization", "unit"]),
            # The alignment tree's first level (okrs.selectors.alignment_roots): unaligned
            # objectives, and private ones (the only parents a viewer may be refused), found
            # without reading the whole cycle.
            models.Index(
                fields=["organization", "cycle"],
                condition=models.Q(parent__isnull=True),
                name="okrs_objective_roots",
            ),
            models.Index(
                fields=["organization", "cycle"],
                condition=models.Q(visibility="private"),
                name="okrs_objective_private",
            ),
            # The API list's total (every live objective of an organization), index only.
            models.Index(
                fields=["organization"],
                condition=models.Q(deleted_at__isnull=True),
                name="okrs_objective_live",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class KeyResult(TenantModel):
    class MetricType(models.TextChoices):
        INCREASE_TO = "increase_to", "Increase to"
        DECREASE_TO = "decrease_to", "Decrease to"
        STAY_ABOVE = "stay_above", "Stay above"
        STAY_BELOW = "stay_below", "Stay below"
        MILESTONE = "milestone", "Milestone (done / not done)"

    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        CURRENCY = "currency", "Currency"
        COUNT = "count", "Count"
        CUSTOM = "custom", "Custom"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    owner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="key_results")
    contributors = models.ManyToManyField(
        Membership, through="KeyResultContributor", related_name="contributed_key_results"
    )
    title = models.CharField(max_length=200, validators=[validate_single_line])
    metric_type = models.CharField(
        max_length=12, choices=MetricType.choices, default=MetricType.INCREASE_TO
    )
    start_value = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    target_value = models.DecimalField(max_digits=18, decimal_places=4, default=1)
    current_value = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.COUNT)
    unit_label = models.CharField(
        max_length=20,
        blank=True,
        help_text="e.g. EUR, NPS, tickets",
        validators=[validate_single_line],
    )
    weight = models.DecimalField(
        max_digits=6, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    confidence = models.PositiveSmallIntegerField(
        default=5, validators=[MaxValueValidator(10)], help_text="0 (no chance) to 10 (certain)"
    )
    progress = models.FloatField(default=0.0)
    grade = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    due_date = models.DateField(null=True, blank=True)
    last_check_in_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = LiveManager()
    all_objects = models.Manager()

    class Meta:
        default_manager_name = "objects"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["organization", "objective"]),
            models.Index(fields=["organization", "owner"]),
            models.Index(fields=["organization", "last_check_in_at"]),
            # The health lists, first page in order without sorting the company's KRs:
            # lowest confidence first, longest quiet first (`attention.last_activity`).
            # The API list's total (every live KR of an organization): an index-only count
            # of this narrow index rather than a scan (docs/benchmarks.md).
            models.Index(
                fields=["organization"],
                condition=models.Q(deleted_at__isnull=True),
                name="okrs_kr_live",
            ),
            models.Index(
                fields=["organization", "confidence", "id"],
                condition=models.Q(deleted_at__isnull=True),
                name="okrs_kr_live_by_confidence",
            ),
            models.Index(
                models.F("organization"),
                Coalesce(models.F("last_check_in_at"), models.F("created_at")),
                models.F("id"),
                condition=models.Q(deleted_at__isnull=True),
                name="okrs_kr_live_by_activity",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class KeyResultContributor(TenantModel):
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key_result", "membership"], name="kr_contributor_unique"
            )
        ]


class CheckIn(TenantModel):
    """One week's reading of a KR. A second check-in in the same ISO week (org timezone)
    updates this row; the audit log keeps the earlier values."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="check_ins")
    value = models.DecimalField(max_digits=18, decimal_places=4)
    confidence = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    note = models.TextField(blank=True)
    blockers = models.TextField(blank=True)
    week = models.CharField(max_length=8, help_text="ISO week in the org timezone, e.g. 2026-W48")
    progress = models.FloatField(default=0.0, help_text="KR progress right after this check-in")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key_result", "week"], name="checkin_one_per_week"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "key_result", "created_at"]),
            models.Index(fields=["organization", "author", "week"]),
            # "Checked in this week" for a whole cycle (health's per-unit rates): by week.
            models.Index(fields=["organization", "week", "key_result"]),
        ]

    def __str__(self) -> str:
        return f"{self.key_result_id} {self.week}: {self.value}"


class Initiative(TenantModel):
    class State(models.TextChoices):
        TODO = "todo", "To do"
        DOING = "doing", "In progress"
        DONE = "done", "Done"

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(max_length=200, validators=[validate_single_line])
    assignee = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="initiatives"
    )
    status = models.CharField(max_length=8, choices=State.choices, default=State.TODO)
    due_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        Membership, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "due_date", "id"]
        indexes = [models.Index(fields=["organization", "key_result"])]

    def __str__(self) -> str:
        return self.title


class Risk(TenantModel):
    class Scale(models.IntegerChoices):
        LOW = 1, "Low"
        MEDIUM = 2, "Medium"
        HIGH = 3, "High"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        MITIGATED = "mitigated", "Mitigated"
        CLOSED = "closed", "Closed"

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="risks")
    description = models.TextField()
    likelihood = models.PositiveSmallIntegerField(choices=Scale.choices, default=Scale.MEDIUM)
    impact = models.PositiveSmallIntegerField(choices=Scale.choices, default=Scale.MEDIUM)
    mitigation = models.TextField(blank=True)
    owner = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="risks"
    )
    status = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "-likelihood", "-impact", "id"]
        indexes = [models.Index(fields=["organization", "key_result"])]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class Comment(TenantModel):
    """A comment on an objective or a key result (exactly one of the two)."""

    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="comments")
    body = models.TextField(max_length=5000)
    mentions = models.ManyToManyField(
        Membership, through="CommentMention", related_name="mentioned_in"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(objective__isnull=False, key_result__isnull=True)
                    | models.Q(objective__isnull=True, key_result__isnull=False)
                ),
                name="comment_exactly_one_target",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "objective"]),
            models.Index(fields=["organization", "key_result"]),
        ]


class CommentMention(TenantModel):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "comment", "membership"], name="comment_mention_unique"
            )
        ]


class AuditEntry(TenantModel):
    """Who changed what, when: field → [old, new]. Kept after the target is deleted."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"

    actor = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=8, choices=Action.choices)
    target_type = models.CharField(max_length=20)  # objective | key_result | check_in | cycle ...
    target_id = models.BigIntegerField()
    objective_id_ref = models.BigIntegerField(
        null=True, blank=True, help_text="Objective the change belongs to, for its history."
    )
    summary = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "target_type", "target_id"]),
            models.Index(fields=["organization", "objective_id_ref", "created_at"]),
        ]


class HealthTally(TenantModel):
    """The health counts of one unit's own objectives in one cycle — the public ones or the
    private ones — kept so the health summary of a whole company reads a row per unit instead
    of aggregating every objective and key result of the cycle. A cache with one owner:
    `okrs.selectors.health_tally` computes, stores and trusts a row only while it is valid
    (no write touched the unit since: `generation`), of this `week` and before `expires_at`
    (the moment a counted key result turns stale, an hour at most). docs/decisions/0007.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    unit_key = models.PositiveBigIntegerField()  # the OrgUnit id; 0: objectives without a unit
    private = models.BooleanField()
    generation = models.PositiveIntegerField(default=0)  # bumped by every write to the unit
    valid = models.BooleanField(default=False)
    week = models.CharField(max_length=10, blank=True)
    computed_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField(null=True)
    objectives = models.PositiveIntegerField(default=0)
    progress_sum = models.FloatField(default=0.0)
    without_key_results = models.PositiveIntegerField(default=0)
    orphans = models.PositiveIntegerField(default=0)
    not_started = models.PositiveIntegerField(default=0)
    on_track = models.PositiveIntegerField(default=0)
    at_risk = models.PositiveIntegerField(default=0)
    off_track = models.PositiveIntegerField(default=0)
    key_results = models.PositiveIntegerField(default=0)
    checked_in = models.PositiveIntegerField(default=0)
    stale = models.PositiveIntegerField(default=0)
    low_confidence = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "unit_key", "private"], name="healthtally_one_per_unit"
            )
        ]
