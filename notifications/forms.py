"""Notification settings: one checkbox per kind of email."""

from django import forms

from notifications.models import Kind

HELP = {
    Kind.REMINDER: "On your check-in day, when a key result you own still needs a check-in.",
    Kind.FOLLOWUP: "A second nudge later in the week if a check-in is still missing.",
    Kind.DIGEST_OWNER: "Your key results: progress, change since last week, confidence.",
    Kind.DIGEST_LEAD: "For unit leads: your units' objectives and who has not checked in.",
    Kind.DIGEST_EXECUTIVE: "For executives: company objectives, biggest movers, open risks.",
    Kind.DIGEST_CHAMPION: "For OKR champions: stale KRs, low confidence, unaligned objectives.",
    Kind.MENTION: "When someone @mentions you in a comment or a check-in note.",
    Kind.COMMENT: "When someone comments on an objective or key result you own.",
}


class NotificationSettingsForm(forms.Form):
    """Checked = send me this email. Unchecked kinds are stored as opt-outs."""

    def __init__(self, *args, opted_out: set[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.BooleanField(
                label=f"Email me the {kind.label.lower()}",
                required=False,
                initial=kind.value not in opted_out,
                help_text=HELP[kind],
            )

    def opted_out(self) -> set[str]:
        return {kind for kind in Kind.values if not self.cleaned_data.get(kind)}
