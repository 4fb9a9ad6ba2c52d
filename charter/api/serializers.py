"""Serializers parse and render; writes go through services."""

import copy
from decimal import Decimal

from rest_framework import serializers

from charter.accounts import rules
from charter.accounts.models import ApprovalRequest, AuthorityAction, AuthorityLimit, Team, User
from charter.core.models import AuditEntry


class FieldsBuiltOnce:
    """For a serializer used often (a case and what it holds, the body that opens one): its
    fields worked out once per class, then copied for each use. Working them out, and DRF's
    deep copy of them for every instance, is most of what rendering or reading one record
    costs; what they are depends only on the class."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built")
        if built is None:
            built = super().get_fields()
            cls._fields_built = built  # never bound: each use binds its own copies
        return {name: _unbound_copy(field) for name, field in built.items()}


# Fields that hold other fields, bound to them: each use needs its own of those too.
_HOLDERS = (
    serializers.BaseSerializer,
    serializers.ListField,
    serializers.DictField,
    serializers.ManyRelatedField,
)


def _unbound_copy(field):
    """A copy of a field never bound, for one serializer to bind. A plain field is copied
    shallowly: it shares what it never changes once built (its choices, validators, messages,
    queryset) and gets its own name and parent when bound. A field holding others (a nested
    serializer, a list of them, a list of ids) is built afresh, as DRF does."""
    if isinstance(field, _HOLDERS):
        return copy.deepcopy(field)
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone


class LimitSerializer(serializers.Serializer):
    role = serializers.CharField()
    action = serializers.CharField()
    allowed = serializers.BooleanField()
    percent_of_value = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    max_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    description = serializers.SerializerMethodField()

    def get_description(self, limit: rules.Limit) -> str:
        return rules.describe_limit(limit)


class TeamBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "slug"]


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    team = TeamBriefSerializer(allow_null=True)
    authority_limits = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "job_title",
            "team",
            "roles",
            "authority_limits",
            "permissions",
        ]

    def get_roles(self, user) -> list[dict]:
        return [
            {"code": code, "name": name}
            for code, name in zip(user.role_codes, user.role_names, strict=True)
        ]

    def get_authority_limits(self, user) -> list[dict]:
        return LimitSerializer(self.context["limits"], many=True).data

    def get_permissions(self, user) -> list[str]:
        return sorted(user.get_all_permissions())


class TeamSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "slug", "parent", "purpose", "lead"]


class StaffSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "job_title",
            "team",
            "roles",
            "is_active",
        ]

    def get_roles(self, user) -> list[str]:
        return user.role_codes


class AuthorityLimitSerializer(serializers.ModelSerializer):
    role = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AuthorityLimit
        fields = [
            "id",
            "role",
            "action",
            "allowed",
            "percent_of_value",
            "max_amount",
            "currency",
            "note",
        ]
        read_only_fields = ["id", "role", "action"]


class AuthorityCheckSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=AuthorityAction.choices)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=Decimal(0)
    )
    item_value = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=Decimal(0)
    )
    currency = serializers.CharField(required=False, default="AUD", max_length=3)


class DecisionSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.CharField()
    ceiling = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    role = serializers.CharField(allow_null=True)
    handles = serializers.BooleanField(
        help_text="The caller's role has a limit for the action (it takes or asks for it)."
    )
    may_ask_for_approval = serializers.BooleanField(
        source="may_ask", help_text="Not allowed on their own, but theirs to ask approval for."
    )


class ApprovalRequestSerializer(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    required_role = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "action",
            "amount",
            "item_value",
            "currency",
            "description",
            "why_needed",
            "requested_by",
            "required_role",
            "status",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = [
            "id",
            "why_needed",
            "requested_by",
            "required_role",
            "status",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class ApprovalDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    record_type = serializers.SerializerMethodField()
    action = serializers.CharField(source="get_action_display")

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "timestamp",
            "actor",
            "interface",
            "source",
            "action",
            "record_type",
            "object_pk",
            "object_repr",
            "changes",
        ]

    def get_record_type(self, entry) -> str:
        return f"{entry.content_type.app_label}.{entry.content_type.model}"
