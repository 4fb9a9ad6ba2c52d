from decimal import Decimal

from django import forms

from charter.core.forms import AccessibleForm as _AccessibleForm

from .models import AuthorityAction, AuthorityLimit

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
