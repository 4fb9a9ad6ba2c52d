"""Forms of the order, return and warranty pages. They parse input; the services decide.

Fields a service checks with a message of its own (the carrier, a cancellation's reason, what
the customer was told) are optional here, so the person reads the service's reason, not a
generic "required". Product choices are built once per page and passed in, so a form with many
lines reads the catalogue in one query.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone

from charter.core.forms import AccessibleForm, form_problems  # noqa: F401 (used by the views)
from charter.core.money import format_money
from charter.customers.models import Channel

from .models import (
    ClaimOutcome,
    FailureKind,
    GoodsCondition,
    OrderChannel,
    ProofOfPurchase,
    RefundMethod,
    ReturnOutcome,
    ReturnReason,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", "min": "0"})
QUANTITY = forms.NumberInput(attrs={"min": "0", "inputmode": "numeric", "class": "narrow"})

# Lines on the new order page; more lines go on a second order.
ORDER_LINES = 6


def product_options(choices, *, blank: str = "Choose a product") -> list[tuple[str, str]]:
    """``page_selectors.product_choices`` as select options, with the list price shown."""
    options = [("", blank)]
    for pk, label, price, currency in choices:
        priced = format_money(price, currency) if price is not None else "no price yet"
        options.append((str(pk), f"{label} ({priced})"))
    return options


def order_options(orders, *, blank: str = "No order (bought elsewhere or earlier)"):
    return [("", blank)] + [
        (str(o.pk), f"{o.reference}, {timezone.localtime(o.placed_at):%d %b %Y}") for o in orders
    ]


# --- The order queue and page -----------------------------------------------------------------


class CustomerPickForm(forms.Form):
    q = forms.CharField(
        label="Find the customer",
        max_length=100,
        required=False,
        help_text="Name, email, phone or reference.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class OrderForm(AccessibleForm):
    channel = forms.ChoiceField(
        choices=OrderChannel.choices, help_text="How the customer placed the order."
    )
    customer_reference = forms.CharField(
        max_length=60,
        required=False,
        label="Customer's reference",
        help_text="Their purchase order number, if they gave one.",
    )


class OrderLineForm(forms.Form):
    product = forms.ChoiceField(required=False)
    quantity = forms.IntegerField(min_value=1, required=False, widget=QUANTITY)
    unit_price = forms.DecimalField(
        label="Unit price ($)",
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        required=False,
        widget=MONEY,
        help_text="Blank: the list price of the day.",
    )

    def __init__(self, *args, product_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = product_choices

    def clean(self):
        data = super().clean()
        if data.get("product") and not data.get("quantity") and "quantity" not in self.errors:
            self.add_error("quantity", "How many?")
        if not data.get("product") and (data.get("quantity") or data.get("unit_price")):
            self.add_error("product", "Choose the product, or clear the line.")
        return data


OrderLineFormSet = forms.formset_factory(OrderLineForm, extra=ORDER_LINES, max_num=ORDER_LINES)


class DeliveredLineForm(forms.Form):
    """One line of what arrived: defaults to what was ordered; the officer changes the product
    or the quantity to record a wrong delivery. A quantity of 0 means none of it arrived."""

    product = forms.ChoiceField(required=False)
    quantity = forms.IntegerField(min_value=0, required=False, widget=QUANTITY)

    def __init__(self, *args, product_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = product_choices

    def clean(self):
        data = super().clean()
        if data.get("quantity") and not data.get("product"):
            self.add_error("product", "Say which product arrived.")
        return data


DeliveredFormSet = forms.formset_factory(DeliveredLineForm, extra=1)


class DispatchForm(AccessibleForm):
    carrier = forms.CharField(
        max_length=120,
        required=False,
        help_text="Our own fleet, or the distribution company that carries it.",
    )
    outsourced = forms.BooleanField(
        required=False, label="Carried by an outsourced distributor (not our fleet)"
    )
    tracking_reference = forms.CharField(
        max_length=80, required=False, label="Tracking number", help_text="If the carrier gave one."
    )


class CancelForm(AccessibleForm):
    reason = forms.CharField(
        max_length=255, required=False, help_text="Why the order is cancelled, and at whose wish."
    )


class TellForm(AccessibleForm):
    channel = forms.ChoiceField(choices=Channel.choices, label="How")
    text = forms.CharField(
        label="What the customer was told",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReorderForm(AccessibleForm):
    expedite = forms.BooleanField(required=False, label="Expedite the new order")


class ReplaceForm(AccessibleForm):
    reason = forms.CharField(
        max_length=255,
        required=False,
        label="Why we replace it",
        help_text="Blank: the wrong delivery's difference is given as the reason.",
    )
    expedite = forms.BooleanField(required=False, initial=True, label="Expedite the replacement")


# --- Returns ----------------------------------------------------------------------------------

FAILURE_HELP = (
    "The consumer guarantees decide who chooses the remedy. A major failure (unsafe, "
    "significantly unlike its description or sample, unfit for the purpose the customer told "
    "us of and not easily fixed, or one a reasonable customer would not have bought had they "
    "known): the customer chooses a refund or a replacement. A minor failure: we choose to "
    "repair, replace or refund, within a reasonable time. Unsafe goods and a wrong item are "
    "always treated as major. For a change of mind choose no failure: only our policy applies."
)


class ReturnForm(AccessibleForm):
    order = forms.ChoiceField(required=False, label="Order it came from")
    product = forms.ChoiceField()
    quantity = forms.IntegerField(min_value=1, initial=1, widget=QUANTITY)
    item_value = forms.DecimalField(
        label="Item value ($)",
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        required=False,
        widget=MONEY,
        help_text="What the customer paid for what comes back.",
    )
    reason = forms.ChoiceField(choices=ReturnReason.choices)
    failure = forms.ChoiceField(
        choices=FailureKind.choices,
        initial=FailureKind.NONE,
        widget=forms.RadioSelect,
        label="Kind of failure",
        help_text=FAILURE_HELP,
    )
    condition = forms.ChoiceField(choices=GoodsCondition.choices, label="Condition of the goods")
    proof_of_purchase = forms.ChoiceField(
        choices=ProofOfPurchase.choices,
        help_text="Without proof of purchase nothing can be decided yet.",
    )
    purchased_on = forms.DateField(
        required=False,
        widget=DATE,
        label="Bought on",
        help_text="Blank with an order: the day it was delivered.",
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The fault or reason in the customer's words.",
    )

    def __init__(self, *args, product_choices=(), order_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = product_choices
        self.fields["order"].choices = order_choices


class ResolveForm(AccessibleForm):
    outcome = forms.ChoiceField(widget=forms.RadioSelect, label="Remedy")
    refund_method = forms.ChoiceField(
        choices=[("", "Not a refund"), *RefundMethod.choices],
        required=False,
        label="How the money goes back",
    )
    refund_amount = forms.DecimalField(
        label="Amount ($)",
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        required=False,
        widget=MONEY,
        help_text="Blank: the item's value.",
    )
    credit_note_number = forms.CharField(max_length=40, required=False)
    ledger_account = forms.CharField(max_length=40, required=False)
    payment_reference = forms.CharField(max_length=80, required=False)
    accounting_note = forms.CharField(max_length=255, required=False, label="Note for accounts")

    def __init__(self, *args, eligible=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(r, ReturnOutcome(r).label) for r in eligible if r in ReturnOutcome.values]
        self.fields["outcome"].choices = choices or [
            (ReturnOutcome.DECLINED, ReturnOutcome.DECLINED.label)
        ]
        if len(self.fields["outcome"].choices) == 1:
            self.fields["outcome"].initial = self.fields["outcome"].choices[0][0]


class ReturnFilterForm(forms.Form):
    status = forms.ChoiceField(required=False)

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "All"), *statuses]


# --- Warranty ---------------------------------------------------------------------------------


class WarrantyForm(AccessibleForm):
    product = forms.ChoiceField(help_text="Only products with a manufacturer's warranty.")
    order = forms.ChoiceField(required=False, label="Order it came from")
    serial_or_batch = forms.CharField(max_length=80, required=False, label="Serial or batch")
    purchased_on = forms.DateField(widget=DATE, label="Bought on")

    def __init__(self, *args, product_choices=(), order_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = product_choices
        self.fields["order"].choices = order_choices


class CoverageForm(AccessibleForm):
    fault_on = forms.DateField(widget=DATE, label="The fault appeared on")


class ClaimForm(AccessibleForm):
    fault = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="The fault"
    )
    fault_on = forms.DateField(widget=DATE, label="It appeared on")


class ClaimDecisionForm(AccessibleForm):
    outcome = forms.ChoiceField(
        choices=[(c, label) for c, label in ClaimOutcome.choices if c != ClaimOutcome.PENDING],
        label="Decision",
    )
    note = forms.CharField(max_length=255, required=False)


class WarrantyFilterForm(forms.Form):
    expiring = forms.BooleanField(required=False, label="Expiring in the next 30 days")


# --- Quality ----------------------------------------------------------------------------------


class QualityForm(AccessibleForm):
    start = forms.DateField(widget=DATE, label="From")
    end = forms.DateField(widget=DATE, label="To (inclusive)")
    threshold = forms.DecimalField(
        label="Flag above (returns per 100 sold)",
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    minimum_returns = forms.IntegerField(
        min_value=1,
        label="With at least (returns)",
        help_text="So that one return of a rarely sold product raises no alarm.",
        widget=QUANTITY,
    )

    @classmethod
    def defaults(cls) -> dict:
        today = timezone.localdate()
        return {
            "start": today - timedelta(days=89),
            "end": today,
            "threshold": Decimal("2"),
            "minimum_returns": 3,
        }

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end is before the start.")
        return data
