from decimal import Decimal

from django import forms

from charter.core.forms import AccessibleForm as _AccessibleForm

from .models import AbsenceReason, AuthorityAction, AuthorityLimit, User

money_field = {
    "max_digits": 12,
    "decimal_places": 2,
    "min_value": Decimal("0"),
    "required": False,
    "widget": forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
}


class AuthorityCheckForm(_AccessibleForm):
    action = forms.ChoiceField(choices=AuthorityAction.choices)
    amount = forms.DecimalField(
        label="Amount ($)",
        error_messages={"min_value": "The amount cannot be negative: enter 0 or more."},
        **money_field,
    )
    item_value = forms.DecimalField(
        label="Item's value ($)",
        help_text="Needed when a limit is a percentage of the value.",
        error_messages={"min_value": "The item's value cannot be negative: enter 0 or more."},
        **money_field,
    )


class ApprovalRequestForm(AuthorityCheckForm):
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you want to do, for whom, and why.",
        max_length=4000,
    )


class DecisionForm(_AccessibleForm):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.RadioSelect
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required when you reject: the requester reads it.",
        max_length=4000,
    )


class AuthorityLimitForm(forms.ModelForm):
    """A role's limit for one action; the model's constraints word what they refuse."""

    class Meta:
        model = AuthorityLimit
        fields = ["allowed", "percent_of_value", "max_amount", "currency", "note"]
        labels = {"percent_of_value": "Percentage of the item's value", "max_amount": "Cap ($)"}
        widgets = {
            "percent_of_value": forms.NumberInput(attrs={"min": "0", "max": "100", "step": "0.01"}),
            "max_amount": forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
        }


class ReplacementReadingForm(_AccessibleForm):
    """How complaints procedure step 6 is read (the customer service manager's setting)."""

    replacement_within_everyones_authority = forms.TypedChoiceField(
        label="Replacing a faulty product is within every officer's authority",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="Yes: step 6 read with step 7's “additional”; no approval is needed to "
        "replace. No: each role's “Replace a product” limit decides.",
    )


class AbsenceForm(_AccessibleForm):
    starts_on = forms.DateField(
        label="First day away", widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label="Last day away", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(choices=AbsenceReason.choices)
    stand_in = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody",
        help_text="Told of the approvals that would wait for them; new cases go to them too.",
    )
    note = forms.CharField(required=False, max_length=255)

    def __init__(self, *args, stand_ins=None, **kwargs):
        super().__init__(*args, **kwargs)
        if stand_ins is not None:
            self.fields["stand_in"].queryset = stand_ins
