"""Contacts and cases over REST: thin twins of the case pages.

Reads go through ``cases.selectors``; every write goes through ``cases.services``, which check
the caller's permission, the procedure's order of steps and the authority limits. A refusal
becomes a 4xx with its message. The procedure's transitions are actions on a case
(``/cases/{id}/step/`` with ``{"to": "investigating"}``, ``escalate``, ``pause``, ``resume``,
``resolutions``, ``plan``, ``callback``, ``contacts``). A resolution above the caller's
authority answers 202 with the approval request to follow. On a manager's case the owner's
actions answer 403 with the reason for anyone but its owner or someone senior.
"""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from charter.cases import selectors, services
from charter.cases.models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Category,
    ComplainantType,
    Contact,
    DirectedAt,
    Direction,
    EscalationLevel,
    Resolution,
    ResolutionKind,
    ResolutionStatus,
    Severity,
)
from charter.customers.models import Channel

from .customers import NamedChoiceField
from .orders import (
    ID_PATTERN,
    ApprovalWaitSerializer,
    CustomerBriefSerializer,
    OrderBriefSerializer,
    _approval_wait,
    _query,
    customer_field,
    order_field,
)
from .serializers import FieldsBuiltOnce
from .standards import ActionPermissions, RefuseUnknownFields

MAX_SECONDS = 86_400


def _choice(choices, enum_name: str, **kwargs) -> NamedChoiceField:
    return NamedChoiceField(choices=choices, enum_name=enum_name, **kwargs)


def _channel(**kwargs):
    return _choice(Channel.choices, "ContactChannelEnum", **kwargs)


def _direction(**kwargs):
    return _choice(Direction.choices, "DirectionEnum", **kwargs)


class CaseBriefSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["id", "reference", "kind", "status", "subject"]
        read_only_fields = fields


# --- Contacts ---------------------------------------------------------------------------------
class ContactLogSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    channel = _channel(read_only=True)
    direction = _direction(read_only=True)
    staff = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "case",
            "customer",
            "public_name",
            "public_email",
            "public_phone",
            "staff",
            "channel",
            "direction",
            "at",
            "duration_seconds",
            "summary",
        ]
        read_only_fields = fields


class ContactLogCreateSerializer(RefuseUnknownFields, serializers.Serializer):
    channel = _channel()
    direction = _direction(required=False, default=Direction.INBOUND)
    summary = serializers.CharField(max_length=20_000)
    customer = customer_field(required=False, allow_null=True, default=None)
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.all(), required=False, allow_null=True, default=None
    )
    public_name = serializers.CharField(required=False, default="", allow_blank=True)
    public_email = serializers.EmailField(required=False, allow_blank=True)
    public_phone = serializers.CharField(required=False, default="", allow_blank=True)
    at = serializers.DateTimeField(required=False, default=None, allow_null=True)
    duration_seconds = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=MAX_SECONDS
    )

    def validate_case(self, case):
        if (
            case is not None
            and not selectors.cases_visible_to(self.context["request"].user)
            .filter(pk=case.pk)
            .exists()
        ):
            raise serializers.ValidationError(f"There is no case {case.pk}.")
        return case


class ContactLogListQuery(serializers.Serializer):
    customer = customer_field(required=False)


class ContactViewSet(ActionPermissions, viewsets.GenericViewSet):
    """Every conversation on every channel, newest first. ``POST`` logs one (it may join a
    case by ``case``); ``?customer=<id>`` filters the list."""

    serializer_class = ContactLogSerializer
    queryset = Contact.objects.none()
    lookup_value_regex = ID_PATTERN
    filter_backends = []
    view_permission = "cases.view_contact"
    action_permissions = {"create": "cases.add_contact"}

    @extend_schema(parameters=[ContactLogListQuery], responses=ContactLogSerializer(many=True))
    def list(self, request):
        f = _query(ContactLogListQuery, request)
        contacts = selectors.recent_contacts(request.user)
        if f.get("customer"):
            contacts = contacts.filter(customer=f["customer"])
        page = self.paginate_queryset(contacts)
        return self.get_paginated_response(ContactLogSerializer(page, many=True).data)

    @extend_schema(responses=ContactLogSerializer)
    def retrieve(self, request, pk=None):
        contact = selectors.recent_contacts(request.user).filter(pk=pk).first()
        if contact is None:
            raise Http404
        return Response(ContactLogSerializer(contact).data)

    @extend_schema(request=ContactLogCreateSerializer, responses={201: ContactLogSerializer})
    def create(self, request):
        body = ContactLogCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        contact = services.contact_log(actor=request.user, **body.validated_data)
        return Response(ContactLogSerializer(contact).data, status=status.HTTP_201_CREATED)


# --- Cases ------------------------------------------------------------------------------------
class CaseEventSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["at", "kind", "from_status", "to_status", "text", "by"]
        read_only_fields = fields


class ResolutionSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    kind = _choice(ResolutionKind.choices, "ResolutionKindEnum", read_only=True)
    status = _choice(ResolutionStatus.choices, "ResolutionStatusEnum", read_only=True)

    class Meta:
        model = Resolution
        fields = [
            "id",
            "kind",
            "description",
            "amount",
            "item_value",
            "currency",
            "status",
            "approval",
            "order",
            "at",
            "done_at",
        ]
        read_only_fields = fields


class CaseSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    kind = _choice(CaseKind.choices, "CaseKindEnum", read_only=True)
    status = _choice(CaseStatus.choices, "CaseStatusEnum", read_only=True)
    complainant_type = _choice(ComplainantType.choices, "ComplainantTypeEnum", read_only=True)
    directed_at = _choice(
        [("", "Not said"), *DirectedAt.choices], "CaseDirectedAtEnum", read_only=True
    )
    channel = _channel(read_only=True)
    escalation = _choice(EscalationLevel.choices, "EscalationLevelEnum", read_only=True)
    customer = CustomerBriefSerializer(read_only=True)
    owner = serializers.StringRelatedField(read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "kind",
            "status",
            "subject",
            "customer",
            "public_name",
            "complainant_type",
            "directed_at",
            "directed_at_detail",
            "category",
            "severity",
            "channel",
            "owner",
            "escalation",
            "complex",
            "opened_at",
            "acknowledge_due",
            "acknowledged_at",
            "resolve_due",
            "notified_at",
            "follow_up_due",
            "closed_at",
            "paused_at",
            "pause_reason",
            "acknowledge_breached_at",
            "resolve_breached_at",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    events = CaseEventSerializer(many=True, read_only=True)
    contacts = ContactLogSerializer(many=True, read_only=True)
    resolutions = ResolutionSerializer(many=True, read_only=True)
    orders = OrderBriefSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "description",
            "desired_outcome",
            "public_email",
            "public_phone",
            "involves_injury",
            "property_damage",
            "not_covered",
            "legal_threat",
            "competitor_threat",
            "significant_customer",
            "routing",
            "callback_at",
            "insurance_claim",
            "system_action",
            "customer_action",
            "referred_to",
            "outcome",
            "orders",
            "events",
            "contacts",
            "resolutions",
        ]
        read_only_fields = fields


class CaseListQuery(serializers.Serializer):
    mine = serializers.BooleanField(required=False, default=False)
    kind = _choice(CaseKind.choices, "CaseKindEnum", required=False)
    overdue = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only cases past their resolution promise (not answered, not waiting for the "
        "customer).",
    )


class CaseCreateSerializer(FieldsBuiltOnce, RefuseUnknownFields, serializers.Serializer):
    kind = _choice(CaseKind.choices, "CaseKindEnum", required=False, default=CaseKind.COMPLAINT)
    subject = serializers.CharField(max_length=200)
    channel = _channel()
    customer = customer_field(required=False, allow_null=True, default=None)
    public_name = serializers.CharField(required=False, default="", allow_blank=True)
    public_email = serializers.EmailField(required=False, allow_blank=True)
    public_phone = serializers.CharField(required=False, default="", allow_blank=True)
    complainant_type = _choice(ComplainantType.choices, "ComplainantTypeEnum", required=False)
    directed_at = _choice(DirectedAt.choices, "DirectedAtEnum", required=False)
    directed_at_detail = serializers.CharField(required=False, default="", allow_blank=True)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), required=False, default=None
    )
    severity = serializers.ChoiceField(
        choices=Severity.choices, required=False, default=Severity.NORMAL
    )
    desired_outcome = serializers.CharField(required=False, default="", allow_blank=True)
    description = serializers.CharField(required=False, default="", allow_blank=True)
    involves_injury = serializers.BooleanField(required=False, default=False)
    property_damage = serializers.BooleanField(required=False, default=False)
    not_covered = serializers.BooleanField(required=False, default=False)
    legal_threat = serializers.BooleanField(required=False, default=False)
    competitor_threat = serializers.BooleanField(required=False, default=False)
    complex = serializers.BooleanField(required=False, default=False)
    orders = serializers.ListField(child=order_field(), required=False, default=list)


class StepSerializer(RefuseUnknownFields, serializers.Serializer):
    to = _choice(CaseStatus.choices, "CaseStatusEnum")
    note = serializers.CharField(required=False, default="", allow_blank=True)
    outcome = serializers.CharField(required=False, default="", allow_blank=True)
    referred_to = serializers.CharField(required=False, default="", allow_blank=True)


class EscalateSerializer(RefuseUnknownFields, serializers.Serializer):
    to = _choice([c for c in EscalationLevel.choices if c[0]], "EscalateToEnum")
    reason = serializers.CharField()


class PauseSerializer(RefuseUnknownFields, serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ResolutionCreateSerializer(RefuseUnknownFields, serializers.Serializer):
    kind = _choice(ResolutionKind.choices, "ResolutionKindEnum")
    description = serializers.CharField()
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )
    item_value = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )
    order = order_field(required=False, allow_null=True, default=None)


class PlanSerializer(RefuseUnknownFields, serializers.Serializer):
    system_action = serializers.CharField()
    customer_action = serializers.CharField()
    follow_up_due = serializers.DateTimeField()


class CallbackSerializer(RefuseUnknownFields, serializers.Serializer):
    at = serializers.DateTimeField()


class CaseContactSerializer(RefuseUnknownFields, serializers.Serializer):
    channel = _channel()
    direction = _direction(required=False, default=Direction.OUTBOUND)
    summary = serializers.CharField(max_length=20_000)
    duration_seconds = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=MAX_SECONDS
    )


class CaseViewSet(ActionPermissions, viewsets.GenericViewSet):
    """Enquiries, complaints, compliments and suggestions. The list is the open queue, what
    falls due first at the top (``?mine=true``, ``?kind=``, ``?overdue=true``). The complaint
    procedure's steps are actions; a step out of order is refused with 409 and the reason."""

    serializer_class = CaseDetailSerializer
    queryset = Case.objects.none()
    lookup_value_regex = ID_PATTERN
    filter_backends = []
    view_permission = "cases.view_case"
    action_permissions = {
        "create": "cases.add_case",
        "step": "cases.change_case",
        "escalate": "cases.escalate_case",
        "pause": "cases.change_case",
        "resume": "cases.change_case",
        "resolutions": "cases.change_case",
        "plan": "cases.manage_complex_case",
        "callback": "cases.change_case",
        "contacts": "cases.add_contact",
    }

    def _case(self, pk) -> Case:
        case = selectors.case_detail(self.request.user, pk)
        if case is None:
            raise Http404
        return case

    def _render(self, case: Case, **kwargs) -> Response:
        return Response(CaseDetailSerializer(self._case(case.pk)).data, **kwargs)

    def _body(self, serializer_class) -> dict:
        body = serializer_class(data=self.request.data, context={"request": self.request})
        body.is_valid(raise_exception=True)
        return body.validated_data

    @extend_schema(parameters=[CaseListQuery], responses=CaseSerializer(many=True))
    def list(self, request):
        f = _query(CaseListQuery, request)
        cases = selectors.case_queue(request.user, mine=f["mine"], kind=f.get("kind", ""))
        if f["overdue"]:
            cases = cases.filter(selectors.past_due(timezone.now()))
        page = self.paginate_queryset(cases)
        return self.get_paginated_response(CaseSerializer(page, many=True).data)

    @extend_schema(responses=CaseDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(CaseDetailSerializer(self._case(pk)).data)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer})
    def create(self, request):
        """Open a case. A complaint takes its due times from the charter and is routed by
        the complaints procedure."""
        body = self._body(CaseCreateSerializer)
        case = services.case_open(actor=request.user, **body)
        case = selectors.opened_case(case, orders=body["orders"])
        return Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StepSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        """Move to the procedure's next step (409 with the reason when out of order)."""
        case = services.case_step(
            actor=request.user, case=self._case(pk), **self._body(StepSerializer)
        )
        return self._render(case)

    @extend_schema(request=EscalateSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        case = services.case_escalate(
            actor=request.user, case=self._case(pk), **self._body(EscalateSerializer)
        )
        return self._render(case)

    @extend_schema(request=PauseSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        """Wait for the customer: the resolution clock stops."""
        case = services.case_pause(
            actor=request.user, case=self._case(pk), **self._body(PauseSerializer)
        )
        return self._render(case)

    @extend_schema(request=None, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._render(services.case_resume(actor=request.user, case=self._case(pk)))

    @extend_schema(
        request=ResolutionCreateSerializer,
        responses={201: ResolutionSerializer, 202: ApprovalWaitSerializer},
    )
    @action(detail=True, methods=["post"])
    def resolutions(self, request, pk=None):
        """What we do for the customer: 201 when done, 202 when it waits for approval."""
        resolution = services.resolution_add(
            actor=request.user, case=self._case(pk), **self._body(ResolutionCreateSerializer)
        )
        if resolution.status == ResolutionStatus.AWAITING_APPROVAL:
            return Response(_approval_wait(resolution.approval), status=status.HTTP_202_ACCEPTED)
        return Response(ResolutionSerializer(resolution).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        """The manager's procedure for a complex complaint."""
        case = services.case_plan(
            actor=request.user, case=self._case(pk), **self._body(PlanSerializer)
        )
        return self._render(case)

    @extend_schema(request=CallbackSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def callback(self, request, pk=None):
        case = services.case_callback(
            actor=request.user, case=self._case(pk), **self._body(CallbackSerializer)
        )
        return self._render(case)

    @extend_schema(request=CaseContactSerializer, responses={201: ContactLogSerializer})
    @action(detail=True, methods=["post"])
    def contacts(self, request, pk=None):
        """Log a further contact on the case (a call back, a visit)."""
        contact = services.contact_log(
            actor=request.user, case=self._case(pk), **self._body(CaseContactSerializer)
        )
        return Response(ContactLogSerializer(contact).data, status=status.HTTP_201_CREATED)
