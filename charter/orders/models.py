"""Orders and their delivery promise, deliveries, returns and refunds, and warranties.

An order's promised delivery comes from the charter (``standards.selectors.deadline_for``) when
it is placed, and is kept on the order: a later charter does not move an old promise. Late
orders are found by a query (promised before now, not delivered or cancelled), so nothing is
missed after a restart; a wrong delivery is decided when the delivery is recorded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class OrderStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    CONFIRMED = "confirmed", "Confirmed"
    DISPATCHED = "dispatched", "Dispatched"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (OrderStatus.RECEIVED, OrderStatus.CONFIRMED, OrderStatus.DISPATCHED)


class OrderChannel(models.TextChoices):
    EMAIL = "email", "Email"
    TELEPHONE = "telephone", "Telephone"
    FACE_TO_FACE = "face_to_face", "Face to face"
    WEB = "web", "Web"
    ACCOUNT_MANAGER = "account_manager", "Through the account manager"
    EDI = "edi", "Electronic order"


class OrderKind(models.TextChoices):
    ORDER = "order", "Order"
    REORDER = "reorder", "Reorder"
    REPLACEMENT = "replacement", "Replacement"


class Order(models.Model):
    reference = models.CharField(max_length=24, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="orders"
    )
    kind = models.CharField(max_length=16, choices=OrderKind.choices, default=OrderKind.ORDER)
    original = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        help_text="The order this one reorders or replaces.",
    )
    channel = models.CharField(max_length=16, choices=OrderChannel.choices)
    placed_at = models.DateTimeField(default=timezone.now)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    customer_reference = models.CharField(
        max_length=60, blank=True, help_text="The customer's own purchase order number."
    )
    status = models.CharField(
        max_length=16, choices=OrderStatus.choices, default=OrderStatus.RECEIVED
    )
    promised_by = models.DateTimeField(help_text="The delivery the charter promised.")
    promise = models.ForeignKey(
        "standards.ServicePromise", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    expedite = models.BooleanField(default=False)
    currency = models.CharField(max_length=3, default="AUD")
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    carrier = models.CharField(
        max_length=120, blank=True, help_text="Our own fleet or an outsourced distributor."
    )
    carrier_is_outsourced = models.BooleanField(default=False)
    tracking_reference = models.CharField(max_length=80, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    wrong_delivery = models.BooleanField(
        default=False, help_text="What arrived differs from what was ordered."
    )
    delivery_difference = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=255, blank=True)
    cancellation_fee = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [
            # The late queue: open orders in the queue's own order (promise, then id), so a
            # page is read straight off the index and stops after 50. The condition is on
            # NULLs (not the status list) so that SQLite, which matches a partial index's
            # condition word for word and cannot see through parameters, uses it too.
            models.Index(
                fields=["promised_by", "id"],
                condition=Q(delivered_at__isnull=True, cancelled_at__isnull=True),
                name="order_open_by_promise",
            ),
            models.Index(fields=["customer", "-placed_at"], name="order_customer_history"),
            models.Index(
                fields=["-delivered_at"],
                condition=Q(wrong_delivery=True),
                name="order_wrong_deliveries",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cancellation_fee__isnull=True) | Q(cancellation_fee__gte=0),
                name="cancellation_fee_not_negative",
            ),
            # An open order has neither time; a delivered or cancelled one has its own.
            models.CheckConstraint(
                condition=Q(
                    status__in=["received", "confirmed", "dispatched"],
                    delivered_at__isnull=True,
                    cancelled_at__isnull=True,
                )
                | Q(status="delivered", delivered_at__isnull=False, cancelled_at__isnull=True)
                | Q(status="cancelled", cancelled_at__isnull=False, delivered_at__isnull=True),
                name="order_status_matches_its_times",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def is_late(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status in OPEN_STATUSES and self.promised_by < now

    @property
    def delivered_late(self) -> bool:
        return bool(self.delivered_at and self.delivered_at > self.promised_by)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product}"

    @property
    def amount(self):
        return self.quantity * self.unit_price


class DeliveredLine(models.Model):
    """What actually arrived: compared with the lines to find a wrong delivery."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="delivered_lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product} delivered"


class OrderEvent(models.Model):
    """The order's story: each change of status, and what the customer was told."""

    class Kind(models.TextChoices):
        STATUS = "status", "Status"
        TOLD = "told", "Customer told"
        NOTE = "note", "Note"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=OrderStatus.choices, blank=True)
    channel = models.CharField(max_length=16, blank=True)
    text = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.order}: {self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


# --- Returns and refunds ----------------------------------------------------------------------


class ReturnsPolicy(models.Model):
    """The figures of the refunds and returns policy that the system applies: how long a
    change of mind may be returned, and what a cancellation costs. One row (the current)."""

    change_of_mind_months = models.PositiveSmallIntegerField(
        default=2, help_text="Goods returned for a change of mind within this many months."
    )
    change_of_mind_remedies = models.JSONField(
        default=list,
        blank=True,
        help_text="What a change of mind earns (e.g. exchange, credit); empty: none.",
    )
    cancellation_fee_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=0,
        help_text="Fee for cancelling an order after it was dispatched, as % of its total.",
    )  # fmt: skip
    cancellation_fee_cap = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "returns policy"

    def __str__(self) -> str:
        return "Returns policy figures"


class ReturnReason(models.TextChoices):
    FAULTY = "faulty", "Faulty"
    NOT_AS_DESCRIBED = "not_as_described", "Not as described"
    UNFIT = "unfit", "Unfit for the purpose we were told of"
    UNSAFE = "unsafe", "Unsafe"
    WRONG_ITEM = "wrong_item", "Wrong item delivered"
    CHANGE_OF_MIND = "change_of_mind", "Change of mind"


class FailureKind(models.TextChoices):
    """The Australian Consumer Law's distinction, which decides who chooses the remedy."""

    NONE = "none", "No failure"
    MINOR = "minor", "Minor failure"
    MAJOR = "major", "Major failure"


class GoodsCondition(models.TextChoices):
    AS_NEW = "as_new", "As new, in its packaging"
    OPENED = "opened", "Opened, unused"
    USED = "used", "Obviously used"
    DAMAGED = "damaged", "Damaged"


class ProofOfPurchase(models.TextChoices):
    NONE = "none", "None"
    RECEIPT = "receipt", "Receipt or tax invoice"
    ORDER = "order", "Our order record"
    BANK_STATEMENT = "bank_statement", "Bank or card statement"


class ReturnOutcome(models.TextChoices):
    FULL_REFUND = "full_refund", "Full refund"
    EXCHANGE = "exchange", "Exchange"
    CREDIT = "credit", "Voucher or credit"
    REPLACEMENT = "replacement", "Replacement"
    REPAIR = "repair", "Repair"
    DECLINED = "declined", "No remedy"


class RefundMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CARD = "card", "Back to the card"
    ACCOUNT_CREDIT = "account_credit", "Credit to the customer's account"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"


class ReturnStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    AWAITING_APPROVAL = "awaiting_approval", "Waiting for approval"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"


class Return(models.Model):
    """Goods brought back, why, in what state, and what we did about it."""

    reference = models.CharField(max_length=24, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="returns"
    )
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="returns"
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(default=1)
    item_value = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="AUD")
    reason = models.CharField(max_length=20, choices=ReturnReason.choices)
    failure = models.CharField(max_length=8, choices=FailureKind.choices, default=FailureKind.NONE)
    condition = models.CharField(max_length=10, choices=GoodsCondition.choices)
    proof_of_purchase = models.CharField(max_length=16, choices=ProofOfPurchase.choices)
    purchased_on = models.DateField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(blank=True, help_text="The fault or reason in detail.")
    # The policy's decision, with its reason in words.
    eligible_remedies = models.JSONField(default=list, blank=True)
    chosen_by = models.CharField(
        max_length=10, blank=True, help_text="Who chooses the remedy: customer or business."
    )
    eligibility_reason = models.TextField(blank=True)
    # What was done.
    status = models.CharField(
        max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.RECEIVED
    )
    outcome = models.CharField(max_length=12, choices=ReturnOutcome.choices, blank=True)
    refund_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    refund_method = models.CharField(max_length=16, choices=RefundMethod.choices, blank=True)
    replacement_order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approval = models.ForeignKey(
        "accounts.ApprovalRequest", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    # Accounting paperwork.
    credit_note_number = models.CharField(max_length=40, blank=True)
    ledger_account = models.CharField(max_length=40, blank=True)
    payment_reference = models.CharField(max_length=80, blank=True)
    accounting_note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["product", "received_at"], name="return_product_time"),
            models.Index(fields=["customer", "-received_at"], name="return_customer_history"),
        ]

    def __str__(self) -> str:
        return self.reference


# --- Warranty ---------------------------------------------------------------------------------


class Warranty(models.Model):
    """A registered product: what, which serial or batch, bought when, covered until when."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="warranties"
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="warranties"
    )
    serial_or_batch = models.CharField(max_length=80)
    purchased_on = models.DateField()
    expires_on = models.DateField(help_text="The last day covered.")
    terms = models.TextField(blank=True, help_text="The product's terms when it was registered.")
    registered_at = models.DateTimeField(default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["expires_on", "pk"]
        verbose_name_plural = "warranties"
        indexes = [models.Index(fields=["expires_on"], name="warranty_expiry")]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "serial_or_batch", "customer"], name="one_registration_each"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("purchased_on")),
                name="warranty_expires_after_purchase",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.serial_or_batch}"


class ClaimOutcome(models.TextChoices):
    PENDING = "pending", "Being assessed"
    REPAIR = "repair", "Repaired"
    REPLACEMENT = "replacement", "Replaced"
    REFUND = "refund", "Refunded"
    REJECTED = "rejected", "Not covered"


class WarrantyClaim(models.Model):
    warranty = models.ForeignKey(Warranty, on_delete=models.PROTECT, related_name="claims")
    fault = models.TextField()
    fault_on = models.DateField(help_text="When the fault appeared.")
    covered = models.BooleanField()
    coverage_reason = models.TextField()
    outcome = models.CharField(
        max_length=12, choices=ClaimOutcome.choices, default=ClaimOutcome.PENDING
    )
    outcome_note = models.TextField(blank=True)
    claimed_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at", "-pk"]

    def __str__(self) -> str:
        return f"Claim on {self.warranty}"
