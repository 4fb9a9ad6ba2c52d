"""Products, orders, returns and warranties over REST: thin twins of the orders pages.

Reads go through ``catalog.selectors`` and ``orders.selectors`` (visibility, joins); every write
goes through ``catalog.services`` or ``orders.services``, which check the actor's permission,
the order's step and the authority limits. A refusal there becomes a 4xx with its message
through ``charter.api.exceptions``. The permission classes ask for the same permission as the
service, only sooner: before the body is read.

A refund or replacement above the caller's authority is not refused: it waits for approval, and
the API answers 202 with the approval request to follow (``/approvals/{id}/``).
"""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from charter.accounts.models import ApprovalRequest
from charter.catalog import selectors as catalog_selectors
from charter.catalog import services as catalog_services
from charter.catalog.models import Product, ProductPrice
from charter.customers import selectors as customer_selectors
from charter.customers.models import Channel, Customer
from charter.orders import selectors, services
from charter.orders.models import (
    ClaimOutcome,
    DeliveredLine,
    FailureKind,
    GoodsCondition,
    Order,
    OrderChannel,
    OrderEvent,
    OrderKind,
    OrderLine,
    OrderStatus,
    ProofOfPurchase,
    RefundMethod,
    Return,
    ReturnOutcome,
    ReturnReason,
    ReturnStatus,
    Warranty,
    WarrantyClaim,
)

from .customers import NamedChoiceField, OptionalBooleanField
from .routers import ID_PATTERN
from .serializers import FieldsBuiltOnce
from .standards import ActionPermissions, RefuseUnknownFields

MAX_INT = 2_147_483_647  # the largest quantity a column holds on every database
MONEY = {"max_digits": 12, "decimal_places": 2}


def _choice(choices, enum_name: str, **kwargs) -> NamedChoiceField:
    return NamedChoiceField(choices=choices, enum_name=enum_name, **kwargs)


def _query(serializer_class, request) -> dict:
    """The list's filters from the query string; an empty one (a cleared select box) means
    no filter, not an error."""
    given = {key: value for key, value in request.query_params.items() if value != ""}
    query = serializer_class(data=given, context={"request": request})
    query.is_valid(raise_exception=True)
    return query.validated_data


class RefuseUnknownKeys:
    """``RefuseUnknownFields`` for a serializer nested in a list (order lines), which sees
    its item in ``to_internal_value`` rather than in ``initial_data``."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field cannot be set here."] for name in unknown}
                )
        return super().to_internal_value(data)


class VisibleRecordField(serializers.PrimaryKeyRelatedField):
    """A record given by its id, looked up among those the caller may see (a selector's
    queryset): an id the caller may not see reads as one that does not exist."""

    def __init__(self, *, visible, noun: str, **kwargs):
        self.visible = visible
        kwargs.setdefault(
            "error_messages",
            {
                "does_not_exist": f"There is no {noun} {{pk_value}}.",
                "incorrect_type": f"Give the {noun}'s id, a number.",
            },
        )
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.visible(request.user)


def customer_field(**kwargs) -> VisibleRecordField:
    return VisibleRecordField(
        queryset=Customer.objects.all(),  # names the model for the schema
        visible=customer_selectors.customers_visible_to,
        noun="customer",
        **kwargs,
    )


def order_field(**kwargs) -> VisibleRecordField:
    return VisibleRecordField(
        queryset=Order.objects.all(),
        visible=selectors.orders_visible_to,
        noun="order",
        **kwargs,
    )


def product_field(*, on_sale: bool, **kwargs) -> VisibleRecordField:
    """A product: one on sale (for an order), or any, discontinued too (for what arrived,
    what is returned or registered)."""
    return VisibleRecordField(
        queryset=Product.objects.all(),
        visible=lambda user: catalog_selectors.products(active_only=on_sale),
        noun="product on sale" if on_sale else "product",
        **kwargs,
    )


class ApprovalWaitSerializer(serializers.Serializer):
    """The answer when the step is above the caller's authority: it waits for approval."""

    approval = serializers.IntegerField(help_text="The approval request's id (/approvals/{id}/).")
    status = serializers.CharField(help_text='"waiting for approval".')
    required_role = serializers.CharField(help_text="The role that may approve it.")
    why_needed = serializers.CharField()


def _approval_wait(approval: ApprovalRequest) -> dict:
    return ApprovalWaitSerializer(
        {
            "approval": approval.pk,
            "status": "waiting for approval",
            "required_role": approval.required_role.code,
            "why_needed": approval.why_needed,
        }
    ).data


# --- Briefs shown inside other records ----------------------------------------------------------
class CustomerBriefSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "reference", "name"]
        read_only_fields = fields


class ProductBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "sku", "name", "unit"]
        read_only_fields = fields


class OrderBriefSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    kind = _choice(OrderKind.choices, "OrderKindEnum", read_only=True)
    status = _choice(OrderStatus.choices, "OrderStatusEnum", read_only=True)

    class Meta:
        model = Order
        fields = ["id", "reference", "kind", "status"]
        read_only_fields = fields


# --- Products -----------------------------------------------------------------------------------
class ProductPriceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductPrice
        fields = ["id", "price", "currency", "effective_from", "note"]
        read_only_fields = fields


class ProductSerializer(serializers.ModelSerializer):
    """A product with its standards and the price on the list today."""

    safety_lines = serializers.ListField(child=serializers.CharField(), read_only=True)
    current_price = serializers.DecimalField(**MONEY, allow_null=True, read_only=True)
    current_currency = serializers.CharField(allow_null=True, read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "name",
            "family",
            "description",
            "safety_requirements",
            "safety_lines",
            "dimensions",
            "tolerances",
            "material",
            "delivery_terms",
            "warranty_months",
            "warranty_terms",
            "unit",
            "is_active",
            "current_price",
            "current_currency",
        ]
        read_only_fields = fields


class ProductDetailSerializer(ProductSerializer):
    """A product and its price history, newest first."""

    prices = ProductPriceSerializer(many=True, read_only=True)

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "prices"]
        read_only_fields = fields


class ProductListQuery(serializers.Serializer):
    family = serializers.CharField(required=False, help_text="Only this family of products.")
    include_inactive = serializers.BooleanField(
        required=False, default=False, help_text="Also products no longer sold."
    )


class ProductWriteSerializer(RefuseUnknownFields, serializers.Serializer):
    """A product's code, name and standards; send only what changes. The service says what is
    missing (a code, a name) or taken (a code another product has)."""

    sku = serializers.SlugField(max_length=40, required=False, allow_blank=True)
    name = serializers.CharField(max_length=160, required=False, allow_blank=True)
    family = serializers.CharField(max_length=120, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    safety_requirements = serializers.CharField(
        required=False, allow_blank=True, help_text="One requirement per line."
    )
    dimensions = serializers.CharField(max_length=200, required=False, allow_blank=True)
    tolerances = serializers.CharField(max_length=200, required=False, allow_blank=True)
    material = serializers.CharField(max_length=200, required=False, allow_blank=True)
    delivery_terms = serializers.CharField(max_length=255, required=False, allow_blank=True)
    warranty_months = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    warranty_terms = serializers.CharField(required=False, allow_blank=True)
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True)
    is_active = OptionalBooleanField(required=False)


class PriceWriteSerializer(RefuseUnknownFields, serializers.Serializer):
    price = serializers.DecimalField(**MONEY)
    effective_from = serializers.DateField(
        default=timezone.localdate, help_text="From this day on; today when left out."
    )
    currency = serializers.RegexField(r"^[A-Z]{3}$", default="AUD", help_text="e.g. AUD.")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ProductViewSet(ActionPermissions, viewsets.GenericViewSet):
    """The catalogue: each product's standards (safety, dimensions, tolerances, material,
    delivery, warranty) and its dated prices."""

    # The browsable API's forms need a serializer; every action names its own.
    serializer_class = ProductDetailSerializer
    queryset = Product.objects.none()  # for the schema; requests use the selectors
    lookup_value_regex = ID_PATTERN
    filter_backends = []
    view_permission = "catalog.view_product"
    action_permissions = {
        "create": "catalog.add_product",
        "partial_update": "catalog.change_product",
        "prices": "catalog.add_productprice",
    }

    def _product(self, pk) -> Product:
        product = catalog_selectors.products(active_only=False).filter(pk=pk).first()
        if product is None:
            raise Http404
        return product

    def _render(self, pk, **kwargs) -> Response:
        return Response(ProductDetailSerializer(self._product(pk)).data, **kwargs)

    @extend_schema(parameters=[ProductListQuery], responses=ProductSerializer(many=True))
    def list(self, request):
        f = _query(ProductListQuery, request)
        products = catalog_selectors.products(active_only=not f["include_inactive"])
        if f.get("family"):
            products = products.filter(family__iexact=f["family"].strip())
        page = self.paginate_queryset(products.order_by("family", "name", "pk"))
        return self.get_paginated_response(ProductSerializer(page, many=True).data)

    @extend_schema(responses=ProductDetailSerializer)
    def retrieve(self, request, pk=None):
        return self._render(pk)

    @extend_schema(request=ProductWriteSerializer, responses={201: ProductDetailSerializer})
    def create(self, request):
        body = ProductWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        product = catalog_services.product_save(actor=request.user, **body.validated_data)
        return self._render(product.pk, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProductWriteSerializer, responses=ProductDetailSerializer)
    def partial_update(self, request, pk=None):
        product = self._product(pk)
        body = ProductWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        catalog_services.product_save(actor=request.user, product=product, **body.validated_data)
        return self._render(product.pk)

    @extend_schema(request=PriceWriteSerializer, responses={201: ProductPriceSerializer})
    @action(detail=True, methods=["post"])
    def prices(self, request, pk=None):
        """A dated price: from that day the list charges it; earlier prices stay in the
        history. A second price on the same day replaces that day's."""
        product = self._product(pk)
        body = PriceWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = catalog_services.price_set(
            actor=request.user, product=product, **body.validated_data
        )
        return Response(ProductPriceSerializer(entry).data, status=status.HTTP_201_CREATED)


# --- Orders: what is shown ----------------------------------------------------------------------
class OrderLineSerializer(serializers.ModelSerializer):
    product = ProductBriefSerializer(read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = OrderLine
        fields = ["id", "product", "quantity", "unit_price", "amount"]
        read_only_fields = fields


class DeliveredLineSerializer(serializers.ModelSerializer):
    product = ProductBriefSerializer(read_only=True)

    class Meta:
        model = DeliveredLine
        fields = ["id", "product", "quantity"]
        read_only_fields = fields


class OrderEventSerializer(serializers.ModelSerializer):
    kind = _choice(OrderEvent.Kind.choices, "OrderEventKindEnum", read_only=True)
    status = _choice(
        OrderStatus.choices, "OrderStatusOrBlankEnum", allow_blank=True, read_only=True
    )
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = OrderEvent
        fields = ["id", "kind", "status", "channel", "text", "at", "by"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    """A row of an order list: who, what, the promise and whether it is kept."""

    customer = CustomerBriefSerializer(read_only=True)
    kind = _choice(OrderKind.choices, "OrderKindEnum", read_only=True)
    channel = _choice(OrderChannel.choices, "OrderChannelEnum", read_only=True)
    status = _choice(OrderStatus.choices, "OrderStatusEnum", read_only=True)
    is_late = serializers.SerializerMethodField()
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "reference",
            "customer",
            "kind",
            "channel",
            "status",
            "placed_at",
            "customer_reference",
            "promised_by",
            "is_late",
            "expedite",
            "wrong_delivery",
            "currency",
            "total",
            "lines",
        ]
        read_only_fields = fields

    def get_is_late(self, order: Order) -> bool:
        """Past its promised delivery and neither delivered nor cancelled."""
        return order.is_late()


class OrderDetailSerializer(OrderSerializer):
    """The whole order: its promise, its steps, what arrived, what the customer was told, and
    what followed it (reorders, replacements, returns)."""

    promise = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    promise_wording = serializers.CharField(
        source="promise.wording", read_only=True, allow_null=True, default=None
    )
    placed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    original = OrderBriefSerializer(read_only=True, allow_null=True)
    delivered_late = serializers.BooleanField(read_only=True)
    delivered_lines = DeliveredLineSerializer(many=True, read_only=True)
    events = OrderEventSerializer(many=True, read_only=True)
    follow_ups = OrderBriefSerializer(many=True, read_only=True)
    returns = serializers.SerializerMethodField()

    class Meta(OrderSerializer.Meta):
        fields = [
            *OrderSerializer.Meta.fields,
            "promise",
            "promise_wording",
            "placed_by",
            "original",
            "confirmed_at",
            "carrier",
            "carrier_is_outsourced",
            "tracking_reference",
            "dispatched_at",
            "delivered_at",
            "delivered_late",
            "delivery_difference",
            "delivered_lines",
            "cancelled_at",
            "cancellation_reason",
            "cancellation_fee",
            "events",
            "follow_ups",
            "returns",
        ]
        read_only_fields = fields

    def get_returns(self, order: Order) -> list[int]:
        """The ids of the returns against this order (/returns/{id}/)."""
        return [item.pk for item in order.returns.all()]


# --- Orders: what is read from the caller -------------------------------------------------------
class OrderListQuery(serializers.Serializer):
    late = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: only orders past their promised delivery and not delivered.",
    )
    wrong_delivery = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: only deliveries that were not what was ordered.",
    )
    customer = customer_field(required=False, help_text="Only this customer's orders (an id).")
    status = _choice(OrderStatus.choices, "OrderStatusEnum", required=False)


class OrderLineWriteSerializer(RefuseUnknownKeys, serializers.Serializer):
    product = product_field(on_sale=True, help_text="The product's id.")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    unit_price = serializers.DecimalField(
        **MONEY, required=False, help_text="The list price of the day when left out."
    )


class OrderCreateSerializer(RefuseUnknownFields, serializers.Serializer):
    customer = customer_field(help_text="The customer's id.")
    channel = _choice(OrderChannel.choices, "OrderChannelEnum")
    lines = OrderLineWriteSerializer(many=True, allow_empty=True)
    customer_reference = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        help_text="The customer's own purchase order number.",
    )


class DispatchSerializer(RefuseUnknownFields, serializers.Serializer):
    carrier = serializers.CharField(
        max_length=120, allow_blank=True, help_text="Our own fleet or the distribution company."
    )
    tracking_reference = serializers.CharField(
        max_length=80, required=False, allow_blank=True, default=""
    )
    outsourced = OptionalBooleanField(
        default=False, help_text="Carried by an outsourced distribution company."
    )


class DeliveredLineWriteSerializer(RefuseUnknownKeys, serializers.Serializer):
    product = product_field(on_sale=False, help_text="The product's id.")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_INT)


class DeliverSerializer(RefuseUnknownFields, serializers.Serializer):
    delivered = DeliveredLineWriteSerializer(
        many=True,
        required=False,
        allow_empty=True,
        help_text="What arrived; exactly what was ordered when left out. A difference marks "
        "a wrong delivery.",
    )


class CancelSerializer(RefuseUnknownFields, serializers.Serializer):
    reason = serializers.CharField(max_length=255, allow_blank=True)


class TellSerializer(RefuseUnknownFields, serializers.Serializer):
    channel = _choice(Channel.choices, "ContactChannelEnum")
    text = serializers.CharField(allow_blank=True, help_text="What the customer was told.")


class ReorderSerializer(RefuseUnknownFields, serializers.Serializer):
    expedite = OptionalBooleanField(default=False)


class ReplaceSerializer(RefuseUnknownFields, serializers.Serializer):
    expedite = OptionalBooleanField(default=True)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why we send it again; the delivery's difference when left out.",
    )


class OrderViewSet(ActionPermissions, viewsets.GenericViewSet):
    """Orders, each with the delivery the charter promised when it was placed. Filter the
    list by ``?late=true``, ``?wrong_delivery=true``, ``?customer=<id>`` and ``?status=``.
    Its steps are actions: confirm, dispatch, deliver, cancel; what the customer was told is
    recorded with ``tell``; ``reorder`` and ``replace`` place a new order."""

    # The browsable API's forms need a serializer; every action names its own.
    serializer_class = OrderDetailSerializer
    queryset = Order.objects.none()  # for the schema; requests use the selectors
    lookup_value_regex = ID_PATTERN
    filter_backends = []
    view_permission = "orders.view_order"
    action_permissions = {
        "create": "orders.add_order",
        "confirm": "orders.change_order",
        "dispatch_order": "orders.change_order",
        "deliver": "orders.change_order",
        "cancel": "orders.change_order",
        "tell": "orders.change_order",
        "reorder": "orders.add_order",
        "replace": "orders.add_order",
    }

    def _list(self, f: dict):
        user, now = self.request.user, timezone.now()
        # The selector of the first filter given orders the list its way (late: the longest
        # overdue first; wrong deliveries: the latest first); the other filters narrow it.
        if f["late"]:
            orders = selectors.late_orders(user, now=now)
        elif f["wrong_delivery"]:
            orders = selectors.wrong_deliveries(user)
        elif f.get("customer"):
            orders = selectors.customer_orders(user, f["customer"])
        else:
            orders = selectors.recent_orders(user)
        if f["late"] is not None:
            late = selectors.late_filter(now)
            orders = orders.filter(late) if f["late"] else orders.exclude(late)
        if f["wrong_delivery"] is not None:
            orders = orders.filter(wrong_delivery=f["wrong_delivery"])
        if f.get("customer"):
            orders = orders.filter(customer=f["customer"])
        if f.get("status"):
            orders = orders.filter(status=f["status"])
        return orders

    def _order(self, pk) -> Order:
        order = selectors.order_detail(self.request.user, pk)
        if order is None:
            raise Http404
        return order

    def _render(self, order: Order, **kwargs) -> Response:
        return Response(OrderDetailSerializer(self._order(order.pk)).data, **kwargs)

    def _body(self, serializer_class) -> dict:
        body = serializer_class(data=self.request.data, context={"request": self.request})
        body.is_valid(raise_exception=True)
        return body.validated_data

    @extend_schema(parameters=[OrderListQuery], responses=OrderSerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(self._list(_query(OrderListQuery, request)))
        return self.get_paginated_response(OrderSerializer(page, many=True).data)

    @extend_schema(responses=OrderDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(OrderDetailSerializer(self._order(pk)).data)

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderDetailSerializer})
    def create(self, request):
        """Take an order. Its delivery is promised by the charter's delivery promise for this
        customer, counted on the business calendar from now."""
        data = self._body(OrderCreateSerializer)
        lines = [
            (line["product"], line["quantity"], line["unit_price"])
            if "unit_price" in line
            else (line["product"], line["quantity"])
            for line in data.pop("lines")
        ]
        order = services.order_place(actor=request.user, lines=lines, **data)
        return self._render(order, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=OrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        order = services.order_confirm(actor=request.user, order=self._order(pk))
        return self._render(order)

    @extend_schema(request=DispatchSerializer, responses=OrderDetailSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_order(self, request, pk=None):
        # (not "dispatch": that name is the view's own request handler)
        """Handed to a carrier: our own fleet or an outsourced distribution company."""
        order = self._order(pk)
        order = services.order_dispatch(
            actor=request.user, order=order, **self._body(DispatchSerializer)
        )
        return self._render(order)

    @extend_schema(request=DeliverSerializer, responses=OrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        """Record what arrived; a difference from what was ordered marks a wrong delivery."""
        order = self._order(pk)
        data = self._body(DeliverSerializer)
        delivered = data.get("delivered")
        if delivered is not None:
            delivered = [(line["product"], line["quantity"]) for line in delivered]
        order = services.order_deliver(actor=request.user, order=order, delivered=delivered)
        return self._render(order)

    @extend_schema(request=CancelSerializer, responses=OrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel, with the fee the refunds policy allows (none before dispatch)."""
        order = self._order(pk)
        order = services.order_cancel(
            actor=request.user, order=order, **self._body(CancelSerializer)
        )
        return self._render(order)

    @extend_schema(request=TellSerializer, responses={201: OrderEventSerializer})
    @action(detail=True, methods=["post"])
    def tell(self, request, pk=None):
        """Record what the customer was told about the order, on which channel."""
        order = self._order(pk)
        event = services.order_tell_customer(
            actor=request.user, order=order, **self._body(TellSerializer)
        )
        return Response(OrderEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReorderSerializer, responses={201: OrderDetailSerializer})
    @action(detail=True, methods=["post"])
    def reorder(self, request, pk=None):
        """The customer orders the same again, charged: a new order with its own promise."""
        order = self._order(pk)
        new = services.order_reorder(
            actor=request.user, order=order, **self._body(ReorderSerializer)
        )
        return self._render(new, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ReplaceSerializer,
        responses={201: OrderDetailSerializer, 202: ApprovalWaitSerializer},
    )
    @action(detail=True, methods=["post"])
    def replace(self, request, pk=None):
        """Send the order again at our cost: 201 with the new order when it is within the
        caller's authority, 202 with the approval request when it must wait for approval."""
        order = self._order(pk)
        outcome = services.order_replace(
            actor=request.user, order=order, **self._body(ReplaceSerializer)
        )
        if isinstance(outcome, ApprovalRequest):
            return Response(_approval_wait(outcome), status=status.HTTP_202_ACCEPTED)
        return self._render(outcome, status=status.HTTP_201_CREATED)


# --- Returns ------------------------------------------------------------------------------------
class ApprovalBriefSerializer(serializers.ModelSerializer):
    """The approval a return waits for (its status is the return's: awaiting approval until
    it is decided)."""

    required_role = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ApprovalRequest
        fields = ["id", "required_role"]
        read_only_fields = fields


class ReturnSerializer(serializers.ModelSerializer):
    """A return: what came back and why, what the policy allows for it, and what was done."""

    customer = CustomerBriefSerializer(read_only=True)
    product = ProductBriefSerializer(read_only=True)
    order = OrderBriefSerializer(read_only=True, allow_null=True)
    reason = _choice(ReturnReason.choices, "ReturnReasonEnum", read_only=True)
    failure = _choice(FailureKind.choices, "FailureKindEnum", read_only=True)
    condition = _choice(GoodsCondition.choices, "GoodsConditionEnum", read_only=True)
    proof_of_purchase = _choice(ProofOfPurchase.choices, "ProofOfPurchaseEnum", read_only=True)
    eligible_remedies = serializers.ListField(
        child=_choice(ReturnOutcome.choices, "ReturnOutcomeEnum"), read_only=True
    )
    status = _choice(ReturnStatus.choices, "ReturnStatusEnum", read_only=True)
    outcome = _choice(
        ReturnOutcome.choices, "ReturnOutcomeOrBlankEnum", allow_blank=True, read_only=True
    )
    refund_method = _choice(
        RefundMethod.choices, "RefundMethodOrBlankEnum", allow_blank=True, read_only=True
    )
    approval = ApprovalBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Return
        fields = [
            "id",
            "reference",
            "customer",
            "order",
            "product",
            "quantity",
            "item_value",
            "currency",
            "reason",
            "failure",
            "condition",
            "proof_of_purchase",
            "purchased_on",
            "received_at",
            "eligible_remedies",
            "chosen_by",
            "eligibility_reason",
            "status",
            "outcome",
            "refund_amount",
            "refund_method",
            "replacement_order",
            "approval",
            "completed_at",
        ]
        read_only_fields = fields


class ReturnDetailSerializer(ReturnSerializer):
    received_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta(ReturnSerializer.Meta):
        fields = [
            *ReturnSerializer.Meta.fields,
            "description",
            "received_by",
            "decided_by",
            "credit_note_number",
            "ledger_account",
            "payment_reference",
            "accounting_note",
        ]
        read_only_fields = fields


class ReturnListQuery(serializers.Serializer):
    status = _choice(ReturnStatus.choices, "ReturnStatusEnum", required=False)
    customer = customer_field(required=False, help_text="Only this customer's returns (an id).")


class ReturnCreateSerializer(RefuseUnknownFields, serializers.Serializer):
    """Goods brought back. The refunds policy decides what may be given for them, and says
    why (``eligible_remedies``, ``eligibility_reason``)."""

    customer = customer_field(help_text="The customer's id.")
    product = product_field(on_sale=False, help_text="The product's id.")
    order = order_field(required=False, allow_null=True, help_text="The order's id, if known.")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_INT, default=1)
    item_value = serializers.DecimalField(**MONEY, help_text="What was paid for it.")
    reason = _choice(ReturnReason.choices, "ReturnReasonEnum")
    failure = _choice(FailureKind.choices, "FailureKindEnum", default=FailureKind.NONE)
    condition = _choice(GoodsCondition.choices, "GoodsConditionEnum")
    proof_of_purchase = _choice(ProofOfPurchase.choices, "ProofOfPurchaseEnum")
    purchased_on = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ResolveSerializer(RefuseUnknownFields, serializers.Serializer):
    """The remedy given: one the policy allows for this return."""

    outcome = _choice(ReturnOutcome.choices, "ReturnOutcomeEnum")
    refund_method = _choice(
        RefundMethod.choices, "RefundMethodEnum", required=False, help_text="For a refund."
    )
    refund_amount = serializers.DecimalField(
        **MONEY, required=False, allow_null=True, help_text="The item's value when left out."
    )
    credit_note_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    ledger_account = serializers.CharField(max_length=40, required=False, allow_blank=True)
    payment_reference = serializers.CharField(max_length=80, required=False, allow_blank=True)
    accounting_note = serializers.CharField(max_length=255, required=False, allow_blank=True)


class ReturnViewSet(ActionPermissions, viewsets.GenericViewSet):
    """Returns and refunds. Resolving one gives a remedy the policy allows: a refund, credit or
    replacement above the caller's authority waits for approval (202)."""

    # The browsable API's forms need a serializer; every action names its own.
    serializer_class = ReturnDetailSerializer
    queryset = Return.objects.none()  # for the schema; requests use the selectors
    lookup_value_regex = ID_PATTERN
    filter_backends = []
    view_permission = "orders.view_return"
    action_permissions = {"create": "orders.add_return", "resolve": "orders.change_return"}

    def _visible(self):
        return selectors.returns_visible_to(self.request.user)

    def _return(self, pk) -> Return:
        found = self._visible().select_related("received_by", "decided_by").filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    @extend_schema(parameters=[ReturnListQuery], responses=ReturnSerializer(many=True))
    def list(self, request):
        f = _query(ReturnListQuery, request)
        returns = self._visible()
        if f.get("status"):
            returns = returns.filter(status=f["status"])
        if f.get("customer"):
            returns = returns.filter(customer=f["customer"])
        page = self.paginate_queryset(returns.order_by("-received_at", "-pk"))
        return self.get_paginated_response(ReturnSerializer(page, many=True).data)

    @extend_schema(responses=ReturnDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(ReturnDetailSerializer(self._return(pk)).data)

    @extend_schema(request=ReturnCreateSerializer, responses={201: ReturnDetailSerializer})
    def create(self, request):
        body = ReturnCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        item = services.return_record(actor=request.user, **body.validated_data)
        return Response(
            ReturnDetailSerializer(self._return(item.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=ResolveSerializer,
        responses={200: ReturnDetailSerializer, 202: ReturnDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Give the remedy: 200 when it is done (or declined), 202 when it waits for approval
        (``approval`` says by whom); the approval completes it."""
        item = self._return(pk)
        body = ResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.return_resolve(actor=request.user, item=item, **body.validated_data)
        waiting = item.status == ReturnStatus.AWAITING_APPROVAL
        return Response(
            ReturnDetailSerializer(self._return(item.pk)).data,
            status=status.HTTP_202_ACCEPTED if waiting else status.HTTP_200_OK,
        )


# --- Warranties ---------------------------------------------------------------------------------
class WarrantyClaimSerializer(serializers.ModelSerializer):
    outcome = _choice(ClaimOutcome.choices, "ClaimOutcomeEnum", read_only=True)
    claimed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = WarrantyClaim
        fields = [
            "id",
            "fault",
            "fault_on",
            "covered",
            "coverage_reason",
            "outcome",
            "outcome_note",
            "claimed_at",
            "claimed_by",
            "decided_at",
        ]
        read_only_fields = fields


class WarrantySerializer(serializers.ModelSerializer):
    customer = CustomerBriefSerializer(read_only=True)
    product = ProductBriefSerializer(read_only=True)

    class Meta:
        model = Warranty
        fields = [
            "id",
            "customer",
            "product",
            "order",
            "serial_or_batch",
            "purchased_on",
            "expires_on",
            "registered_at",
        ]
        read_only_fields = fields


class WarrantyDetailSerializer(WarrantySerializer):
    claims = serializers.SerializerMethodField()

    class Meta(WarrantySerializer.Meta):
        fields = [*WarrantySerializer.Meta.fields, "terms", "claims"]
        read_only_fields = fields

    @extend_schema_field(WarrantyClaimSerializer(many=True))
    def get_claims(self, warranty: Warranty) -> list[dict]:
        """Its claims, newest first."""
        return WarrantyClaimSerializer(selectors.claims_for(warranty), many=True).data


class WarrantyListQuery(serializers.Serializer):
    expiring_within_days = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=3660,
        help_text="Only warranties whose last covered day falls within this many days.",
    )
    customer = customer_field(required=False, help_text="Only this customer's warranties.")


class WarrantyCreateSerializer(RefuseUnknownFields, serializers.Serializer):
    """Register a product for warranty; it runs for the product's warranty months."""

    customer = customer_field(help_text="The customer's id.")
    product = product_field(on_sale=False, help_text="The product's id.")
    serial_or_batch = serializers.CharField(max_length=80, allow_blank=True)
    purchased_on = serializers.DateField()
    order = order_field(required=False, allow_null=True, help_text="The order's id, if known.")


class CoverageQuery(serializers.Serializer):
    fault_on = serializers.DateField(help_text="When the fault appeared (YYYY-MM-DD).")


class CoverageSerializer(serializers.Serializer):
    fault_on = serializers.DateField()
    covered = serializers.BooleanField()
    reason = serializers.CharField()


class ClaimCreateSerializer(RefuseUnknownFields, serializers.Serializer):
    fault = serializers.CharField(allow_blank=True, help_text="The fault, described.")
    fault_on = serializers.DateField(help_text="When the fault appeared.")


class WarrantyViewSet(ActionPermissions, viewsets.GenericViewSet):
    """Registered products and their warranty: how long each is covered, whether a fault on a
    given day is covered, and the claims made under it. ``?expiring_within_days=N`` lists
    those whose cover ends within N days."""

    # The browsable API's forms need a serializer; every action names its own.
    serializer_class = WarrantyDetailSerializer
    queryset = Warranty.objects.none()  # for the schema; requests use the selectors
    lookup_value_regex = ID_PATTERN
    filter_backends = []
    view_permission = "orders.view_warranty"
    action_permissions = {"create": "orders.add_warranty", "claims": "orders.add_warrantyclaim"}

    def _warranty(self, pk) -> Warranty:
        found = selectors.warranties_visible_to(self.request.user).filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    @extend_schema(parameters=[WarrantyListQuery], responses=WarrantySerializer(many=True))
    def list(self, request):
        f = _query(WarrantyListQuery, request)
        if f.get("expiring_within_days") is not None:
            warranties = selectors.expiring_warranties(
                request.user, within_days=f["expiring_within_days"]
            )
        else:
            warranties = selectors.warranties_visible_to(request.user)
        if f.get("customer"):
            warranties = warranties.filter(customer=f["customer"])
        page = self.paginate_queryset(warranties.order_by("expires_on", "pk"))
        return self.get_paginated_response(WarrantySerializer(page, many=True).data)

    @extend_schema(responses=WarrantyDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(WarrantyDetailSerializer(self._warranty(pk)).data)

    @extend_schema(request=WarrantyCreateSerializer, responses={201: WarrantyDetailSerializer})
    def create(self, request):
        body = WarrantyCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        warranty = services.warranty_register(actor=request.user, **body.validated_data)
        return Response(
            WarrantyDetailSerializer(self._warranty(warranty.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(parameters=[CoverageQuery], responses=CoverageSerializer)
    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        """Is a fault that appeared on ``fault_on`` covered, and by what (or why not)."""
        warranty = self._warranty(pk)
        fault_on = _query(CoverageQuery, request)["fault_on"]
        coverage = services.warranty_check(warranty, fault_on)
        return Response(
            CoverageSerializer(
                {"fault_on": fault_on, "covered": coverage.covered, "reason": coverage.reason}
            ).data
        )

    @extend_schema(request=ClaimCreateSerializer, responses={201: WarrantyClaimSerializer})
    @action(detail=True, methods=["post"])
    def claims(self, request, pk=None):
        """Claim under the warranty; whether it is covered is decided now, with the reason."""
        warranty = self._warranty(pk)
        body = ClaimCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        claim = services.warranty_claim(
            actor=request.user, warranty=warranty, **body.validated_data
        )
        claim = selectors.claims_for(warranty).get(pk=claim.pk)
        return Response(WarrantyClaimSerializer(claim).data, status=status.HTTP_201_CREATED)
