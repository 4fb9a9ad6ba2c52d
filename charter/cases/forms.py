"""Forms of the contact and case pages. They parse input; the services decide (and say why)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from charter.core.forms import AccessibleForm
from charter.customers.models import Channel

from .models import (
    CaseKind,
    CaseStatus,
    ComplainantType,
    DirectedAt,
    Direction,
    EscalationLevel,
    ResolutionKind,
    Severity,
    Situation,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MONEY = forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", "min": "0"})
TEXT = forms.Textarea(attrs={"rows": 3})

OPENS = [("", "Nothing: just log the contact"), *CaseKind.choices]


class ContactForm(AccessibleForm):
    """A contact, and the case it opens (if any). The case fields matter when it opens one."""

    channel = forms.ChoiceField(choices=Channel.choices)
    direction = forms.ChoiceField(choices=Direction.choices, initial=Direction.INBOUND)
    duration_minutes = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=1440,
        decimal_places=1,
        label="Call length (minutes)",
        help_text="For telephone and video calls.",
    )
    summary = forms.CharField(widget=TEXT, required=False, help_text="What was said, briefly.")
    public_name = forms.CharField(required=False, max_length=200, label="Name")
    public_email = forms.EmailField(required=False, label="Email")
    public_phone = forms.CharField(required=False, max_length=40, label="Phone")
    opens = forms.ChoiceField(choices=OPENS, required=False, label="This contact opens")
    subject = forms.CharField(required=False, max_length=200)
    complainant_type = forms.ChoiceField(
        choices=[("", "Work it out (customer or public)"), *ComplainantType.choices],
        required=False,
        label="Complaint made by",
    )
    directed_at = forms.ChoiceField(
        choices=[("", "—"), *DirectedAt.choices], required=False, label="Complaint directed at"
    )
    directed_at_detail = forms.CharField(required=False, max_length=200, label="Who or what")
    category = forms.ChoiceField(choices=(), required=False)
    severity = forms.TypedChoiceField(choices=Severity.choices, coerce=int, initial=Severity.NORMAL)
    desired_outcome = forms.CharField(
        widget=TEXT, required=False, help_text="Ask the customer how they would like it resolved."
    )
    involves_injury = forms.BooleanField(required=False, label="Someone was injured")
    property_damage = forms.BooleanField(required=False, label="Other property was damaged")
    not_covered = forms.BooleanField(required=False, label="Our procedure does not cover it")
    legal_threat = forms.BooleanField(required=False, label="Threatens legal action")
    competitor_threat = forms.BooleanField(required=False, label="Threatens to go to a competitor")
    complex = forms.BooleanField(required=False, label="Complex: needs the manager's procedure")
    orders = forms.MultipleChoiceField(
        choices=(), required=False, label="Orders it concerns", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, categories=(), order_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *((c.slug, c.name) for c in categories)]
        self.fields["orders"].choices = list(order_choices)
        if not order_choices:
            del self.fields["orders"]


class StepForm(AccessibleForm):
    to = forms.ChoiceField(choices=CaseStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(required=False, widget=TEXT, label="Note for the case's story")
    outcome = forms.CharField(required=False, max_length=2000, label="Outcome, for the log")
    referred_to = forms.CharField(required=False, max_length=200, label="Outside body")


class EscalateForm(AccessibleForm):
    to = forms.ChoiceField(
        choices=[c for c in EscalationLevel.choices if c[0]], label="Escalate to"
    )
    reason = forms.CharField(required=False, widget=TEXT)


class ResolutionForm(AccessibleForm):
    kind = forms.ChoiceField(choices=ResolutionKind.choices, label="What we do")
    description = forms.CharField(required=False, widget=TEXT, label="In words")
    amount = forms.CharField(required=False, widget=MONEY, label="Amount ($)")
    item_value = forms.CharField(
        required=False,
        widget=MONEY,
        label="Faulty product's value ($)",
        help_text="A refund is at most this; a goodwill refund is an additional share of it "
        "(officers: 10%, at most $25).",
    )
    order = forms.ChoiceField(choices=(), required=False, label="Order")

    def __init__(self, *args, order_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].choices = [("", "—"), *order_choices]


class PauseForm(AccessibleForm):
    reason = forms.CharField(required=False, max_length=200, label="Waiting for")


class CallbackForm(AccessibleForm):
    callback_at = forms.DateTimeField(widget=WHEN, label="Call-back agreed for")

    def clean_callback_at(self):
        value = self.cleaned_data["callback_at"]
        return timezone.make_aware(value) if timezone.is_naive(value) else value


class PlanForm(AccessibleForm):
    system_action = forms.CharField(
        required=False, widget=TEXT, label="At system level (so it does not happen again)"
    )
    customer_action = forms.CharField(required=False, widget=TEXT, label="For this customer, now")
    follow_up_due = forms.DateTimeField(widget=WHEN, label="Follow up on")

    def clean_follow_up_due(self):
        value = self.cleaned_data["follow_up_due"]
        return timezone.make_aware(value) if timezone.is_naive(value) else value


class ClaimForm(AccessibleForm):
    claim = forms.CharField(required=False, max_length=60, label="Claims form number")


class NoteForm(AccessibleForm):
    text = forms.CharField(required=False, widget=TEXT, label="Note")


class CaseContactForm(AccessibleForm):
    """A further contact on a case (a call back, an email sent, a visit)."""

    channel = forms.ChoiceField(choices=Channel.choices)
    direction = forms.ChoiceField(choices=Direction.choices, initial=Direction.OUTBOUND)
    duration_minutes = forms.DecimalField(
        required=False, min_value=0, max_value=1440, decimal_places=1, label="Call length (min)"
    )
    summary = forms.CharField(required=False, widget=TEXT)


class LogFilterForm(forms.Form):
    start = forms.DateField(required=False, widget=DATE, label="From")
    end = forms.DateField(required=False, widget=DATE, label="To")
    kind = forms.ChoiceField(
        choices=[("", "All kinds"), *CaseKind.choices], required=False, initial=CaseKind.COMPLAINT
    )
    category = forms.ChoiceField(choices=(), required=False)
    channel = forms.ChoiceField(choices=[("", "Any channel"), *Channel.choices], required=False)
    complainant_type = forms.ChoiceField(
        choices=[("", "Anyone"), *ComplainantType.choices], required=False, label="Made by"
    )
    directed_at = forms.ChoiceField(
        choices=[("", "Anything"), *DirectedAt.choices], required=False, label="Directed at"
    )
    status = forms.ChoiceField(
        choices=[("", "Any step"), ("open", "Open"), *CaseStatus.choices], required=False
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", "Any category"),
            *((c.slug, c.name) for c in categories),
        ]


class EmailForm(AccessibleForm):
    situation = forms.ChoiceField(
        choices=[("", "Write my own"), *Situation.choices], required=False, label="Wording"
    )
    subject = forms.CharField(required=False, max_length=500)
    body = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 10}), label="Message"
    )
