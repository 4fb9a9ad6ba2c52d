"""Forms for editing a draft charter or policy. They only parse input; services decide."""

from __future__ import annotations

from django import forms

from charter.accounts.models import AuthorityLimit, Role, Team
from charter.core.calendar import DAYS
from charter.core.forms import AccessibleForm, WeeklyHoursForm
from charter.customers.models import CustomerType, Segment

from .models import Channel, PromiseEvent, PromiseUnit


def _text(rows: int = 3, help_text: str = "", required: bool = False) -> forms.CharField:
    return forms.CharField(
        required=required, widget=forms.Textarea(attrs={"rows": rows}), help_text=help_text
    )


class CharterTextForm(AccessibleForm):
    vision = _text(2, "What the organisation wants to be, in terms of its customers' service.")
    mission = _text(4, "One aim per line; at least one should be about customer service.")
    welcome = _text(2, "The opening words of the public charter page.")
    external_dispute_body = forms.CharField(
        required=False,
        label="External dispute body",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Where customers may go if we cannot resolve a complaint (name and contact).",
    )
    summary_of_changes = _text(2, "What this version changes, for the staff who must read it.")


class PromiseForm(AccessibleForm):
    event = forms.ChoiceField(choices=PromiseEvent.choices, label="Kind of event")
    target = forms.DecimalField(min_value=0, max_digits=8, decimal_places=2)
    unit = forms.ChoiceField(choices=PromiseUnit.choices)
    percent = forms.DecimalField(
        required=False,
        max_digits=5,
        decimal_places=2,
        label="Share of events (%)",
        help_text="Only for a service level, e.g. 80 for “80% of calls within 20 seconds”.",
    )
    customer_type = forms.ModelChoiceField(
        queryset=CustomerType.objects.all(),
        required=False,
        empty_label="Every customer type",
        help_text="Leave both this and the segment empty for a promise to everyone.",
    )
    segment = forms.ModelChoiceField(
        queryset=Segment.objects.all(), required=False, empty_label="No segment"
    )
    topic = forms.SlugField(
        required=False,
        max_length=40,
        help_text="Only for complaints on this topic, e.g. hardship. Blank for every topic.",
    )
    wording = forms.CharField(max_length=255, help_text="The promise as customers read it.")
    measure = forms.CharField(
        max_length=255, help_text="How it is checked, e.g. from the order's placed time."
    )


class NeedForm(AccessibleForm):
    customer_type = forms.ModelChoiceField(queryset=CustomerType.objects.all())
    needs = _text(4, "One need per line.", required=True)
    communication = _text(3, "What content suits them, and on which channels.")


class ChannelForm(WeeklyHoursForm):
    """A channel and its opening hours, one field per day (blank: closed that day); promises
    about what comes in on it run on these hours."""

    hours_field = "opening_hours"
    hours_help = (
        "Its opening hours, e.g. 8:00-18:00, or 9:00-12:30, 13:30-17:00; blank if closed that "
        "day. Leave every day blank for a channel open at any time (a web form, letters): "
        "promises about it then run on the organisation's service hours."
    )
    field_order = ["channel", *DAYS, "hours", "suited_to"]

    channel = forms.ChoiceField(choices=Channel.choices)
    hours = forms.CharField(
        max_length=120,
        required=False,
        label="Note on the hours",
        help_text="What the hours do not say, e.g. “by appointment”, “Melbourne time” or "
        "“answered within 5 business days”.",
    )
    suited_to = _text(2, "What content and which customers it suits.")


class PolicyForm(AccessibleForm):
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=80, label="Short name", help_text="Used in its address, e.g. refunds."
    )
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The teams who must read and acknowledge it; none means all staff.",
    )


class PolicyTextForm(AccessibleForm):
    purpose = _text(3, required=True)
    scope = _text(2, required=True)
    resources = _text(2)
    responsibility = _text(2, required=True)
    legislation = _text(3, "One act per line, e.g. Privacy Act 1988 (Cwlth).")
    summary_of_changes = _text(2, "What this version changes, for the staff who must read it.")
    authorised_on = forms.CharField(
        required=False,
        max_length=7,
        label="Authorised in (month/year)",
        help_text="MM/YYYY, e.g. 10/2011. Blank: the month it is approved in Charter.",
    )
    authorised_by_name = forms.CharField(
        required=False,
        max_length=200,
        label="Authorised by",
        help_text="Name and title, e.g. John Doe CFO. Blank: whoever approves it.",
    )


class StepForm(AccessibleForm):
    procedure = forms.CharField(
        max_length=120, help_text="Which procedure of the policy, e.g. Officers' procedure."
    )
    number = forms.IntegerField(min_value=1, max_value=999)
    text = _text(3, required=True)
    authority_limit = forms.ModelChoiceField(
        queryset=AuthorityLimit.objects.select_related("role"),
        required=False,
        empty_label="No limit",
        help_text="The authority limit this step applies.",
    )
    refer_to_role = forms.ModelChoiceField(
        queryset=Role.objects.all(),
        required=False,
        empty_label="Nobody",
        label="Refer to",
        help_text="The role this step hands the matter to.",
    )
    form_name = forms.CharField(
        max_length=120, required=False, label="Form to use", help_text="e.g. Insurance claim form."
    )


class DraftForm(AccessibleForm):
    summary_of_changes = _text(2, "Why a new version: what you mean to change.")


class CompareForm(forms.Form):
    a = forms.IntegerField(min_value=1, label="Compare version")
    b = forms.IntegerField(min_value=1, label="with version")
