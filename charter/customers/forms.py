"""Forms of the customer pages. They parse input; the services decide and validate."""

from __future__ import annotations

from django import forms

from charter.accounts.models import Team
from charter.core.forms import AccessibleForm

from . import rules
from .models import (
    AddressKind,
    CallOutcome,
    Channel,
    ConsentMethod,
    ConsentPurpose,
    CustomerKind,
    CustomerType,
    HoldingStatus,
    Offering,
    Segment,
)
from .selectors import account_managers

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"})


class CustomerFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        label="Search",
        max_length=100,
        help_text="Name, email, phone or reference.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    type = forms.ModelChoiceField(
        queryset=CustomerType.objects.all(), required=False, empty_label="All types"
    )
    segment = forms.ModelChoiceField(
        queryset=Segment.objects.all(), required=False, empty_label="Any segment"
    )
    manager = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Any account manager", label="Managed by"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = account_managers()

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "query": data.get("q") or "",
            "customer_type": data.get("type"),
            "segment": data.get("segment"),
            "manager": data.get("manager"),
        }


class CustomerForm(AccessibleForm):
    kind = forms.ChoiceField(choices=CustomerKind.choices, widget=forms.RadioSelect)
    customer_type = forms.ModelChoiceField(
        queryset=CustomerType.objects.filter(is_active=True), label="Customer type"
    )
    reference = forms.CharField(
        max_length=32, required=False, help_text="Leave blank to number a new customer for you."
    )
    name = forms.CharField(
        max_length=200, required=False, help_text="An organisation's name (a person's is built)."
    )
    given_name = forms.CharField(max_length=100, required=False)
    family_name = forms.CharField(max_length=100, required=False)
    date_of_birth = forms.DateField(required=False, widget=DATE)
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(),
        required=False,
        help_text="For an internal customer: which of our teams it is.",
    )
    email = forms.CharField(max_length=254, required=False, widget=forms.EmailInput)
    phone = forms.CharField(
        max_length=40, required=False, help_text="Australian numbers without +61 are fine."
    )
    preferred_channel = forms.ChoiceField(choices=Channel.choices)
    customer_since = forms.DateField(widget=DATE)
    annual_value = forms.DecimalField(
        label="Value a year ($)",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=MONEY,
        error_messages={"min_value": "The value a year cannot be negative: enter 0 or more."},
    )
    balance = forms.DecimalField(
        label="Balance ($)",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=MONEY,
        error_messages={"min_value": "The balance cannot be negative: enter 0 or more."},
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == CustomerKind.PERSON:
            if not (data.get("given_name") or data.get("family_name") or data.get("name")):
                self.add_error("family_name", "A person needs a name.")
        elif data.get("kind") and not data.get("name"):
            self.add_error("name", "An organisation needs a name.")
        for key, check in (("phone", rules.normalise_phone), ("email", rules.normalise_email)):
            if data.get(key):
                try:
                    data[key] = check(data[key])
                except Exception as error:  # DomainError: its message is for the person
                    self.add_error(key, getattr(error, "message", str(error)))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        for key in ("annual_value", "balance"):
            if data.get(key) is None:
                data[key] = 0
        return data


class ContactForm(AccessibleForm):
    name = forms.CharField(max_length=200)
    job_title = forms.CharField(max_length=120, required=False)
    email = forms.CharField(max_length=254, required=False, widget=forms.EmailInput)
    phone = forms.CharField(max_length=40, required=False)
    preferred_channel = forms.ChoiceField(choices=Channel.choices)
    is_primary = forms.BooleanField(required=False, label="Main contact")


class AddressForm(AccessibleForm):
    kind = forms.ChoiceField(choices=AddressKind.choices)
    line1 = forms.CharField(label="Address", max_length=200)
    line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    locality = forms.CharField(label="Suburb or town", max_length=100)
    state = forms.CharField(max_length=3, required=False)
    postcode = forms.CharField(max_length=10, required=False)


class ConsentForm(AccessibleForm):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    given = forms.TypedChoiceField(
        choices=[("1", "Gives consent"), ("0", "Withdraws consent")],
        coerce=lambda v: v == "1",
        label="The customer",
    )
    method = forms.ChoiceField(choices=ConsentMethod.choices, label="How")
    note = forms.CharField(max_length=255, required=False)


class ManagerForm(AccessibleForm):
    manager = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Nobody", label="Account manager"
    )
    reason = forms.CharField(max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = account_managers()


class HoldingForm(AccessibleForm):
    offering = forms.ModelChoiceField(
        queryset=Offering.objects.filter(is_active=True), label="Product or service"
    )
    status = forms.ChoiceField(
        choices=[(HoldingStatus.HELD, "Holds it"), (HoldingStatus.OFFERED, "Offered it")]
    )


class SegmentNoticeForm(AccessibleForm):
    segment = forms.ModelChoiceField(queryset=Segment.objects.all())
    channel = forms.ChoiceField(choices=Channel.choices, label="Told by")
    note = forms.CharField(max_length=255, required=False)


class CallDoneForm(AccessibleForm):
    outcome = forms.ChoiceField(choices=CallOutcome.choices, label="How it went")
    note = forms.CharField(max_length=255, required=False, label="Note")


class SegmentFeedbackForm(AccessibleForm):
    segment = forms.ModelChoiceField(queryset=Segment.objects.all())
    rating = forms.TypedChoiceField(
        coerce=int,
        choices=[(5, "5 suits me very well"), (4, "4"), (3, "3"), (2, "2"), (1, "1 not at all")],
        label="How well the segment suits them",
    )
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    channel = forms.ChoiceField(choices=Channel.choices, label="Received by")


class EraseForm(AccessibleForm):
    reason = forms.CharField(
        max_length=255,
        help_text="E.g. the customer asked on 20 November 2026; no reason to keep the details.",
    )
    confirm = forms.BooleanField(
        label="I understand the personal data cannot be brought back.", required=True
    )


class CustomerTypeForm(AccessibleForm):
    name = forms.CharField(max_length=120)
    internal = forms.BooleanField(
        required=False, help_text="A team of our own that the customer service team serves."
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(required=False, initial=True, label="In use")


class SegmentForm(AccessibleForm):
    name = forms.CharField(max_length=120)
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the segment means for its customers (used when they are told).",
    )
    offerings = forms.ModelMultipleChoiceField(
        queryset=Offering.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Offer to new members",
    )
    position = forms.IntegerField(min_value=0, max_value=1000, initial=100)
    is_active = forms.BooleanField(required=False, initial=True, label="In use")


ATTRIBUTE_CHOICES = [("", "—"), *((k, a.label) for k, a in rules.ATTRIBUTES.items())]
OPERATOR_CHOICES = [("", "—"), *rules.OPERATOR_LABELS.items()]


class ConditionForm(forms.Form):
    attribute = forms.ChoiceField(choices=ATTRIBUTE_CHOICES, required=False)
    operator = forms.ChoiceField(choices=OPERATOR_CHOICES, required=False)
    value = forms.CharField(
        max_length=200,
        required=False,
        help_text="Amount, number, or codes separated by commas.",
    )

    def as_condition(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("attribute"):
            return None
        value = data.get("value", "")
        kind = rules.ATTRIBUTES[data["attribute"]].kind
        if kind == "choice":
            value = [v.strip() for v in value.split(",") if v.strip()]
        return {"attribute": data["attribute"], "operator": data.get("operator"), "value": value}


ConditionFormSet = forms.formset_factory(ConditionForm, extra=2, max_num=10)
