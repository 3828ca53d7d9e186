"""Users, tenants (organizations), memberships, the org-unit tree, invitations, API tokens."""

from __future__ import annotations

import functools
import hashlib
import secrets
import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from tree_queries.models import TreeNode

from accounts.validators import validate_single_line


def normalize_email(value: str) -> str:
    """The one form of an email address Cairn stores and looks up: trimmed, lower case. Account
    creation and every login path (web form, admin, API token endpoint, all through
    `get_by_natural_key`) use it, so `Kim@Example.COM` is the same person everywhere."""
    return (value or "").strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str) -> User:
        return self.get(**{self.model.USERNAME_FIELD: normalize_email(username)})

    def _create(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with an email; belongs to organizations through Membership."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True, validators=[validate_single_line])
    is_staff = models.BooleanField(default=False, help_text="May log into the Django admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        # People lists sort members by name then email and take a page: with this index a
        # 10,000-person organization walks names in order instead of sorting them all
        # (docs/benchmarks.md, org chart).
        indexes = [models.Index(fields=["full_name", "email"], name="accounts_user_name_email")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]


@functools.cache
def known_timezones() -> frozenset[str]:
    """The IANA zone names this machine knows (tzdata): the only names we ever open.
    ZoneInfo turns a name into a file path, so anything else — a 400-character name, a path —
    is refused before it gets there (it raised OSError: File name too long)."""
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value in known_timezones():
        return
    if isinstance(value, str) and 0 < len(value) <= 64 and value.isprintable():
        raise ValidationError(f"“{value}” is not a known time zone (e.g. Europe/Paris).")
    raise ValidationError("That is not a known time zone (e.g. Europe/Paris).")


def zone_for(name: str) -> tuple[zoneinfo.ZoneInfo, bool]:
    """The zone for a stored name and whether it was valid (an invalid name falls back to UTC,
    so a company stays on a schedule even if a bad value got past validation)."""
    if name not in known_timezones():
        return zoneinfo.ZoneInfo("UTC"), False
    return zoneinfo.ZoneInfo(name), True


class Organization(models.Model):
    """The tenant. Every tenant-owned row points here."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    class DigestCadence(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        BIWEEKLY = "biweekly", "Every two weeks"
        OFF = "off", "Off"

    name = models.CharField(max_length=120, validators=[validate_single_line])
    slug = models.SlugField(max_length=60, unique=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    checkin_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.MONDAY
    )
    checkin_hour = models.PositiveSmallIntegerField(
        default=9, validators=[MaxValueValidator(23)], help_text="Local hour (0–23)."
    )
    followup_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices,
        null=True,
        blank=True,
        help_text="Day of a follow-up reminder to those still missing; empty = off.",
    )
    remind_contributors = models.BooleanField(default=False)
    digest_cadence = models.CharField(
        max_length=10, choices=DigestCadence.choices, default=DigestCadence.WEEKLY
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Deletion (accounts/services/organization_deletion.py): an admin schedules it, the
    # organization keeps working until `deletion_due_at`, then the daily purge removes every
    # row of the tenant. Empty: no deletion scheduled.
    deletion_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    deletion_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    deletion_requested_by = models.ForeignKey(
        "User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def deletion_scheduled(self) -> bool:
        return self.deletion_due_at is not None

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        """The organization's zone; falls back to UTC if the stored name is not valid."""
        return zone_for(self.timezone)[0]


class TenantModel(models.Model):
    """Base for every tenant-owned table: a non-null organization FK, indexed first."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    EXECUTIVE = "executive", "Executive"
    CHAMPION = "champion", "OKR champion"
    MEMBER = "member", "Member"


class OrgUnit(TenantModel, TreeNode):
    """A department or team. The company itself is the implicit root (the organization)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "Department"
        TEAM = "team", "Team"

    name = models.CharField(max_length=120, validators=[validate_single_line])
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TEAM)
    lead = models.ForeignKey(
        "Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="led_units"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "parent", "name"], name="orgunit_unique_name_in_parent"
            ),
            models.UniqueConstraint(
                fields=["organization", "name"],
                condition=models.Q(parent__isnull=True),
                name="orgunit_unique_root_name",
            ),
        ]
        indexes = [models.Index(fields=["organization", "parent"])]

    def __str__(self) -> str:
        return self.name


class Membership(TenantModel):
    """A user's seat in one organization, with a role, a unit and a manager."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    title = models.CharField(
        "job title", max_length=120, blank=True, validators=[validate_single_line]
    )
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user")
        ]
        indexes = [
            models.Index(fields=["organization", "role"]),
            models.Index(fields=["organization", "unit"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization_id}"

    @property
    def name(self) -> str:
        return self.user.display_name


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _unusable_token_hash() -> str:
    """Default for rows made without `issue_token()`: the hash of a token nobody knows."""
    return hash_token(_new_token())


class Invitation(TenantModel):
    """An emailed link; the invitee sets a password and becomes a member."""

    email = models.EmailField()
    # Optional, from the inviter (e.g. a CSV's name column): prefills the accept form.
    name = models.CharField(max_length=150, blank=True, validators=[validate_single_line])
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL)
    invited_by = models.ForeignKey(
        Membership, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Only the SHA-256 of the emailed token is stored; `issue_token()` returns the raw value.
    token_hash = models.CharField(max_length=64, unique=True, default=_unusable_token_hash)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "email"])]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    def issue_token(self) -> str:
        """A fresh secret for the emailed link (an older link stops working). The raw value
        is returned, never stored."""
        raw = _new_token()
        self.token_hash = hash_token(raw)
        return raw

    def retire_token(self) -> str:
        """Make the current link stop working, without a new one yet: the hash of a token
        nobody knows. Returned as the *send ticket*: the email task mints the real link only
        while the row still holds it (a later re-send replaces it), so no secret ever travels
        through the task queue."""
        self.token_hash = _unusable_token_hash()
        return self.token_hash


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, validators=[validate_single_line])
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: never expires (API_TOKEN_TTL_DAYS=0)."
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SecurityEvent(TenantModel):
    """One security-relevant event in an organization (accounts/services/security_events.py records
    them; organization admins read them on /o/<org>/security/ and through the API)."""

    class Kind(models.TextChoices):
        LOGIN = "login", "Logged in"
        LOGIN_FAILED = "login_failed", "Failed login"
        LOCKOUT = "lockout", "Locked out"
        LOGOUT = "logout", "Logged out"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET = "password_reset", "Password reset"
        ROLE_CHANGED = "role_changed", "Role changed"
        UNIT_LEAD_CHANGED = "unit_lead_changed", "Unit lead changed"
        MEMBER_DEACTIVATED = "member_deactivated", "Member deactivated"
        MEMBER_REACTIVATED = "member_reactivated", "Member reactivated"
        INVITATION_SENT = "invitation_sent", "Invitation sent"
        INVITATION_REVOKED = "invitation_revoked", "Invitation revoked"
        INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
        TOKEN_CREATED = "token_created", "API token created"
        TOKEN_REVOKED = "token_revoked", "API token revoked"
        SETTINGS_CHANGED = "settings_changed", "Settings changed"
        DELETION_SCHEDULED = "deletion_scheduled", "Organization deletion scheduled"
        DELETION_CANCELLED = "deletion_cancelled", "Organization deletion cancelled"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    # Who did it (empty: anonymous, e.g. a failed login, or the system) …
    actor = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # … and whose account it concerns (the person logging in, the member whose role changed).
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="secevent_org_created"),
            models.Index(fields=["organization", "kind", "-created_at"], name="secevent_org_kind"),
            models.Index(fields=["organization", "user", "-created_at"], name="secevent_org_user"),
            models.Index(
                fields=["organization", "actor", "-created_at"], name="secevent_org_actor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.created_at:%Y-%m-%d %H:%M}"
