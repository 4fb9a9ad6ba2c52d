"""Customers and segments over REST: thin twins of the customer pages.

Reads go through ``customers.selectors`` (visibility, joins), writes through
``customers.services`` (permission, validation); a refusal there becomes a 4xx with its message
through ``charter.api.exceptions``.
"""

from decimal import Decimal

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.fields import empty
from rest_framework.response import Response

from charter.accounts.models import Team, User
from charter.customers import rules, selectors, services
from charter.customers.models import (
    AccountManagerAssignment,
    Address,
    AddressKind,
    Channel,
    ConsentMethod,
    Contact,
    Customer,
    CustomerKind,
    CustomerType,
    Holding,
    Offering,
    Segment,
    SegmentEvaluation,
)

from .permissions import require_perm

VIEW_CUSTOMER = "customers.view_customer"
VIEW_SEGMENT = "customers.view_segment"


class OptionalBooleanField(serializers.BooleanField):
    """A boolean left out of a form post stays left out (DRF's own would read it as false,
    which for consent would record a withdrawal nobody made)."""

    default_empty_html = empty


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choice set is one named component of the schema.

    "kind" is one set of choices on a customer and another on an address; left alone, the
    schema would name them by a hash and warn.
    """

    def __init__(self, *args, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(*args, **kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def get_name(self):
        return self.target.enum_name

    def map_serializer_field(self, auto_schema, direction):
        schema = build_choice_field(self.target)
        schema.pop("x-spec-enum-id", None)
        return schema


def customer_kind_field(**kwargs) -> NamedChoiceField:
    return NamedChoiceField(choices=CustomerKind.choices, enum_name="CustomerKindEnum", **kwargs)


# --- Customers: what is shown -----------------------------------------------------------------
class CustomerTypeBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerType
        fields = ["slug", "name", "internal"]


class StaffBriefSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]

    def get_name(self, user) -> str:
        return user.get_full_name() or user.username


class CurrentMembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="segment.id")
    slug = serializers.CharField(source="segment.slug")
    name = serializers.CharField(source="segment.name")
    entered_at = serializers.DateTimeField()


class CustomerListSerializer(serializers.ModelSerializer):
    """A row of a customer list."""

    kind = customer_kind_field(read_only=True)
    customer_type = CustomerTypeBriefSerializer(read_only=True)
    internal = serializers.BooleanField(source="is_internal", read_only=True)
    account_manager = serializers.SlugRelatedField(slug_field="username", read_only=True)
    segments = CurrentMembershipSerializer(source="current_memberships", many=True, read_only=True)
    erased = serializers.BooleanField(source="is_erased", read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "reference",
            "kind",
            "name",
            "customer_type",
            "internal",
            "email",
            "phone",
            "preferred_channel",
            "account_manager",
            "annual_value",
            "balance",
            "segments",
            "is_active",
            "erased",
        ]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "job_title", "email", "phone", "preferred_channel", "is_primary"]


class AddressSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(choices=AddressKind.choices, enum_name="AddressKindEnum")

    class Meta:
        model = Address
        fields = ["id", "kind", "line1", "line2", "locality", "state", "postcode", "country"]


class CurrentConsentSerializer(serializers.Serializer):
    purpose = serializers.CharField()
    label = serializers.CharField()
    given = serializers.BooleanField()


class HoldingSerializer(serializers.ModelSerializer):
    offering = serializers.SlugRelatedField(slug_field="code", read_only=True)
    offering_name = serializers.CharField(source="offering.name")
    segment = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Holding
        fields = ["id", "offering", "offering_name", "status", "started_on", "ended_on", "segment"]


class ManagerAssignmentSerializer(serializers.ModelSerializer):
    manager = StaffBriefSerializer(allow_null=True)
    assigned_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AccountManagerAssignment
        fields = ["manager", "started_at", "ended_at", "assigned_by", "reason"]


class CustomerDetailSerializer(CustomerListSerializer):
    """The full record: everything the customer page shows."""

    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    account_manager = StaffBriefSerializer(allow_null=True, read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)
    addresses = AddressSerializer(many=True, read_only=True)
    consents = serializers.SerializerMethodField()
    holdings = HoldingSerializer(many=True, read_only=True)
    account_manager_history = ManagerAssignmentSerializer(
        source="manager_assignments", many=True, read_only=True
    )

    class Meta(CustomerListSerializer.Meta):
        fields = [
            *CustomerListSerializer.Meta.fields,
            "team",
            "given_name",
            "family_name",
            "date_of_birth",
            "customer_since",
            "last_activity_on",
            "consents",
            "contacts",
            "addresses",
            "holdings",
            "account_manager_history",
            "created_at",
            "updated_at",
            "erased_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CurrentConsentSerializer(many=True))
    def get_consents(self, customer):
        rows = selectors.current_consents(customer)
        return CurrentConsentSerializer(
            [{"purpose": p, "label": label, "given": given} for p, label, given in rows], many=True
        ).data


# --- Customers: what is read from the caller --------------------------------------------------
class CustomerListQuery(serializers.Serializer):
    """The list's filters, as query parameters."""

    search = serializers.CharField(
        required=False, allow_blank=True, help_text="Words of a name, an email, a phone number."
    )
    type = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=CustomerType.objects.all(),
        required=False,
        help_text="A customer type's slug.",
        error_messages={"does_not_exist": "There is no customer type '{value}'."},
    )
    segment = serializers.CharField(required=False, help_text="A segment's slug or id.")
    manager = serializers.CharField(required=False, help_text="The account manager's username.")
    internal = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate_segment(self, value: str) -> Segment:
        is_id = value.isdigit() and len(value) <= 18  # longer would overflow the id column
        match = Q(slug=value) | Q(pk=int(value)) if is_id else Q(slug=value)
        # A slug that is all digits wins over an id, so a link by slug always means the same.
        found = sorted(Segment.objects.filter(match), key=lambda s: s.slug != value)
        if not found:
            raise serializers.ValidationError(f"There is no segment '{value}'.")
        return found[0]

    def validate_manager(self, value: str) -> User:
        manager = User.objects.filter(username__iexact=value.strip()).first()
        if manager is None:
            raise serializers.ValidationError(f"There is no member of staff '{value}'.")
        return manager


class CustomerUpdateSerializer(serializers.Serializer):
    """The fields a customer's record can change by; each is optional (PATCH sends changes).

    Values are checked and normalised by the service (phones to E.164, emails, amounts), so the
    messages are the same as on the pages.
    """

    reference = serializers.CharField(max_length=32, required=False)
    kind = customer_kind_field(required=False)
    customer_type = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=CustomerType.objects.all(),
        required=False,
        error_messages={"does_not_exist": "There is no customer type '{value}'."},
    )
    team = serializers.SlugRelatedField(
        slug_field="slug", queryset=Team.objects.all(), required=False, allow_null=True
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    given_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    preferred_channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    customer_since = serializers.DateField(required=False)
    annual_value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
        error_messages={"min_value": "The value a year cannot be negative: enter 0 or more."},
    )
    balance = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
        error_messages={"min_value": "The balance cannot be negative: enter 0 or more."},
    )
    last_activity_on = serializers.DateField(required=False, allow_null=True)
    is_active = OptionalBooleanField(required=False)

    def validate(self, attrs):
        # An unknown field is refused, not ignored: a client that sends consent_marketing here
        # must learn that consent is recorded elsewhere, not believe it was changed.
        sent = set(getattr(self, "initial_data", {})) - {"csrfmiddlewaretoken"}
        unknown = sorted(sent - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: "This field cannot be set here." for name in unknown}
            )
        return attrs


class CustomerCreateSerializer(CustomerUpdateSerializer):
    """A new customer: its kind and type, its details, and the consents given at sign-up."""

    kind = customer_kind_field()
    customer_type = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=CustomerType.objects.all(),
        error_messages={"does_not_exist": "There is no customer type '{value}'."},
    )
    consent_service = OptionalBooleanField(required=False)
    consent_surveys = OptionalBooleanField(required=False)
    consent_marketing = OptionalBooleanField(required=False)
    consent_method = serializers.ChoiceField(
        choices=ConsentMethod.choices,
        default=ConsentMethod.IN_PERSON,
        help_text="How the consents given here were obtained.",
    )


class CustomerViewSet(viewsets.GenericViewSet):
    """Customers the caller may see. Opening one customer's record is logged for auditors."""

    permission_classes = [require_perm(VIEW_CUSTOMER)]
    queryset = Customer.objects.none()  # for the schema; requests use the selectors
    serializer_class = CustomerListSerializer  # the browsable API's forms need one
    lookup_value_regex = r"\d{1,18}"  # longer would overflow the id column
    filter_backends = []  # filtering is the selector's, from CustomerListQuery

    def _detail(self, pk) -> Customer:
        try:
            return selectors.customer_detail(self.request.user, pk)
        except Customer.DoesNotExist:
            raise Http404 from None

    @extend_schema(parameters=[CustomerListQuery], responses=CustomerListSerializer(many=True))
    def list(self, request):
        # An empty filter (a cleared select box) means no filter, not an error.
        given = {key: value for key, value in request.query_params.items() if value != ""}
        query = CustomerListQuery(data=given)
        query.is_valid(raise_exception=True)
        f = query.validated_data
        customers = selectors.customer_list(
            request.user,
            query=f.get("search", ""),
            customer_type=f.get("type"),
            segment=f.get("segment"),
            manager=f.get("manager"),
            internal=f.get("internal"),
        )
        page = self.paginate_queryset(customers)
        return self.get_paginated_response(CustomerListSerializer(page, many=True).data)

    @extend_schema(responses=CustomerDetailSerializer)
    def retrieve(self, request, pk=None):
        customer = self._detail(pk)
        services.customer_viewed(user=request.user, customer=customer)
        return Response(CustomerDetailSerializer(customer).data)

    @extend_schema(request=CustomerCreateSerializer, responses={201: CustomerDetailSerializer})
    def create(self, request):
        body = CustomerCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        customer = services.customer_create(actor=request.user, **body.validated_data)
        return Response(
            CustomerDetailSerializer(self._detail(customer.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=CustomerUpdateSerializer, responses=CustomerDetailSerializer)
    def partial_update(self, request, pk=None):
        customer = get_object_or_404(selectors.customers_visible_to(request.user), pk=pk)
        body = CustomerUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.customer_update(actor=request.user, customer=customer, **body.validated_data)
        return Response(CustomerDetailSerializer(self._detail(customer.pk)).data)


# --- Segments ---------------------------------------------------------------------------------
class ConditionSerializer(serializers.Serializer):
    attribute = serializers.ChoiceField(choices=sorted(rules.ATTRIBUTES))
    operator = serializers.ChoiceField(choices=sorted(rules.OPERATOR_LABELS))
    value = serializers.JSONField(help_text="An amount, a number, true/false or a list of codes.")


class DescribedConditionSerializer(ConditionSerializer):
    description = serializers.CharField(help_text='In words, e.g. "Balance at least $250,000.00".')


@extend_schema_field(ConditionSerializer(many=True))
class ConditionsField(serializers.JSONField):
    """Taken as sent: ``rules.parse_conditions`` in the service checks it and says what to fix."""


class SegmentSerializer(serializers.ModelSerializer):
    conditions = serializers.SerializerMethodField()
    offerings = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    member_count = serializers.SerializerMethodField()
    feedback_count = serializers.IntegerField(read_only=True)
    feedback_average = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = Segment
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "conditions",
            "offerings",
            "position",
            "is_active",
            "member_count",
            "feedback_count",
            "feedback_average",
            "last_evaluated_at",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(DescribedConditionSerializer(many=True))
    def get_conditions(self, segment) -> list[dict]:
        labels = self.context.get("labels", {})
        return [
            {**c.as_json(), "description": rules.describe_condition(c, labels=labels)}
            for c in selectors.segment_conditions(segment)
        ]

    def get_member_count(self, segment) -> int:
        return segment.member_count or 0


class SegmentWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True)
    conditions = ConditionsField()
    offerings = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Offering.objects.all(),
        many=True,
        required=False,
        help_text="Codes of the products offered to each customer who enters the segment.",
    )
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    is_active = OptionalBooleanField(required=False)


class SegmentEvaluationSerializer(serializers.ModelSerializer):
    evaluated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = SegmentEvaluation
        fields = [
            "id",
            "segment",
            "started_at",
            "finished_at",
            "evaluated_by",
            "matched",
            "entered",
            "left",
            "offers_made",
        ]
        read_only_fields = fields


class SegmentViewSet(viewsets.GenericViewSet):
    """Segments and their rules; evaluating one runs its rule over every customer."""

    permission_classes = [require_perm(VIEW_SEGMENT)]
    queryset = Segment.objects.none()  # for the schema; requests use get_queryset
    serializer_class = SegmentSerializer  # the browsable API's forms need one
    lookup_value_regex = r"\d{1,18}"
    filter_backends = []

    def get_queryset(self):
        if self.action in ("list", "retrieve"):
            # The overview's counts group the query, and Django drops Meta.ordering from a
            # grouped query: the order is restated so that pages are stable.
            return selectors.segments_overview().order_by("position", "name", "pk")
        return Segment.objects.all()

    def _render(self, segments, *, many=False):
        context = {"labels": selectors.segment_choice_labels()}
        return SegmentSerializer(segments, many=many, context=context).data

    def _overview(self, pk) -> Segment:
        return get_object_or_404(selectors.segments_overview(), pk=pk)

    @extend_schema(responses=SegmentSerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self._render(page, many=True))

    @extend_schema(responses=SegmentSerializer)
    def retrieve(self, request, pk=None):
        return Response(self._render(self.get_object()))

    @extend_schema(request=SegmentWriteSerializer, responses={201: SegmentSerializer})
    def create(self, request):
        body = SegmentWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        segment = services.segment_save(actor=request.user, **body.validated_data)
        return Response(self._render(self._overview(segment.pk)), status=status.HTTP_201_CREATED)

    @extend_schema(request=SegmentWriteSerializer, responses=SegmentSerializer)
    def partial_update(self, request, pk=None):
        segment = self.get_object()
        body = SegmentWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        # The service saves a whole segment: what the caller left out stays as it is.
        current = {
            "name": segment.name,
            "description": segment.description,
            "conditions": segment.conditions,
            "offerings": list(segment.offerings.all()),
            "position": segment.position,
            "is_active": segment.is_active,
        }
        services.segment_save(
            actor=request.user, segment=segment, **{**current, **body.validated_data}
        )
        return Response(self._render(self._overview(segment.pk)))

    @extend_schema(request=None, responses=SegmentEvaluationSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        """Run the segment's rule now: who matched, entered and left, and offers made."""
        evaluation = services.segment_evaluate(segment=self.get_object(), actor=request.user)
        return Response(SegmentEvaluationSerializer(evaluation).data)

    @extend_schema(responses=CustomerListSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[require_perm(VIEW_SEGMENT), require_perm(VIEW_CUSTOMER)],
    )
    def members(self, request, pk=None):
        """The segment's current members (customer records: needs customers.view_customer)."""
        customers = selectors.segment_members(request.user, self.get_object())
        page = self.paginate_queryset(customers)
        return self.get_paginated_response(CustomerListSerializer(page, many=True).data)
