"""API views: thin twins of the web views, calling the same services and selectors."""

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from charter.accounts import selectors as accounts_selectors
from charter.accounts import services as accounts_services
from charter.accounts.models import ApprovalRequest, Team, User
from charter.core.selectors import audit_entries

from . import serializers as s
from .permissions import require_perm


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token."""

    permission_classes = [AllowAny]
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # DRF's token view names its own
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class MeView(APIView):
    """Who am I: my roles, my team, my authority limits and permissions."""

    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        user = accounts_selectors.user_profile(request.user.pk)
        limits = accounts_selectors.limits_for_user(user)
        return Response(s.MeSerializer(user, context={"limits": limits}).data)


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.TeamSerializer
    permission_classes = [require_perm("accounts.view_team")]
    queryset = Team.objects.select_related("parent").order_by("name")
    filterset_fields = ["parent__slug"]


class StaffFilter(filters.FilterSet):
    team = filters.CharFilter(field_name="team__slug")
    role = filters.CharFilter(field_name="groups__role__code")

    class Meta:
        model = User
        fields = ["team", "role", "is_active"]


class StaffViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.StaffSerializer
    permission_classes = [require_perm("accounts.view_user")]
    queryset = (
        User.objects.select_related("team").prefetch_related("groups__role").order_by("username")
    )
    filterset_class = StaffFilter


class AuthorityLimitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.AuthorityLimitSerializer
    filterset_fields = ["action", "role__code"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return accounts_selectors.authority_limit_table()

    def get_permissions(self):
        perm = (
            "accounts.change_authoritylimit"
            if self.request.method == "PATCH"
            else "accounts.view_authoritylimit"
        )
        return [require_perm(perm)()]

    def perform_update(self, serializer):
        limit = serializer.instance
        data = {
            "allowed": limit.allowed,
            "percent_of_value": limit.percent_of_value,
            "max_amount": limit.max_amount,
            "currency": limit.currency,
            "note": limit.note,
            **serializer.validated_data,
        }
        serializer.instance = accounts_services.authority_limit_set(
            actor=self.request.user, role=limit.role, action=limit.action, **data
        )


class AuthorityCheckView(APIView):
    """May I take this action, of this value, without approval?"""

    permission_classes = [require_perm("accounts.view_authoritylimit")]

    @extend_schema(request=s.AuthorityCheckSerializer, responses=s.DecisionSerializer)
    def post(self, request):
        data = s.AuthorityCheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = accounts_selectors.authority_check(actor=request.user, **data.validated_data)
        return Response(s.DecisionSerializer(decision).data)


class ApprovalFilter(filters.FilterSet):
    class Meta:
        model = ApprovalRequest
        fields = ["status", "action"]


class ApprovalRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.ApprovalRequestSerializer
    filterset_class = ApprovalFilter
    permission_classes = [require_perm("accounts.view_approvalrequest")]
    queryset = ApprovalRequest.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApprovalRequest.objects.none()
        return accounts_selectors.approvals_visible_to(self.request.user)

    def perform_create(self, serializer):
        if not self.request.user.has_perm("accounts.add_approvalrequest"):
            self.permission_denied(self.request, message="Your role may not ask for approvals.")
        serializer.instance = accounts_services.approval_request_create(
            requested_by=self.request.user, **serializer.validated_data
        )

    def _decide(self, request, pk, approve: bool):
        approval = get_object_or_404(self.get_queryset(), pk=pk)
        body = s.ApprovalDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        approval = accounts_services.approval_request_decide(
            approval=approval,
            approver=request.user,
            approve=approve,
            note=body.validated_data["note"],
        )
        return Response(s.ApprovalRequestSerializer(approval).data)

    @extend_schema(request=s.ApprovalDecisionSerializer, responses=s.ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, pk, approve=True)

    @extend_schema(request=s.ApprovalDecisionSerializer, responses=s.ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, pk, approve=False)

    @extend_schema(request=None, responses=s.ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        approval = get_object_or_404(self.get_queryset(), pk=pk)
        approval = accounts_services.approval_request_withdraw(
            approval=approval, actor=request.user
        )
        return Response(s.ApprovalRequestSerializer(approval).data)


class AuditEntryFilter(filters.FilterSet):
    actor = filters.CharFilter(field_name="actor__username")
    record_type = filters.CharFilter(method="filter_record_type")
    since = filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    until = filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lte")

    class Meta:
        model = audit_entries().model
        fields = ["actor", "interface", "object_pk", "action"]

    def filter_record_type(self, queryset, name, value):
        app_label, _, model = value.partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail, for auditors and managers: filter by actor, record, interface, time."""

    serializer_class = s.AuditEntrySerializer
    permission_classes = [require_perm("core.view_auditentry")]
    filterset_class = AuditEntryFilter

    def get_queryset(self):
        return audit_entries()


@extend_schema(responses={200: OpenApiResponse(description="API root")})
class RootView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response(
            {
                "me": request.build_absolute_uri("me/"),
                "teams": request.build_absolute_uri("teams/"),
                "staff": request.build_absolute_uri("staff/"),
                "authority-limits": request.build_absolute_uri("authority-limits/"),
                "approvals": request.build_absolute_uri("approvals/"),
                "audit-entries": request.build_absolute_uri("audit-entries/"),
                "customers": request.build_absolute_uri("customers/"),
                "segments": request.build_absolute_uri("segments/"),
                "charter": request.build_absolute_uri("charter/"),
                "promises": request.build_absolute_uri("promises/"),
                "policies": request.build_absolute_uri("policies/"),
                "acknowledgements": request.build_absolute_uri("acknowledgements/"),
                "products": request.build_absolute_uri("products/"),
                "orders": request.build_absolute_uri("orders/"),
                "returns": request.build_absolute_uri("returns/"),
                "warranties": request.build_absolute_uri("warranties/"),
                "contacts": request.build_absolute_uri("contacts/"),
                "cases": request.build_absolute_uri("cases/"),
            },
            status=status.HTTP_200_OK,
        )
