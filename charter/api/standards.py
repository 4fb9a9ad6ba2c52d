"""The charter, its promises and the policies over REST: thin twins of the standards pages.

Reads go through ``standards.selectors``; every write goes through ``standards.services``, which
checks the actor's permission and the version's state (only a draft changes). A refusal there
becomes a 4xx with its message through ``charter.api.exceptions``. The permission classes here
ask for the same permission as the service, only sooner: before the body is read.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse

from charter.accounts.models import AuthorityLimit, Role, Team
from charter.core.errors import NotFound
from charter.customers.models import CustomerType, Segment
from charter.standards import rules, selectors, services
from charter.standards.models import (
    Acknowledgement,
    Channel,
    ChannelOffer,
    CharterVersion,
    CustomerNeed,
    Policy,
    PolicyVersion,
    ProcedureStep,
    PromiseEvent,
    PromiseUnit,
    ServicePromise,
    VersionStatus,
)

from .customers import CustomerTypeBriefSerializer, NamedChoiceField, StaffBriefSerializer
from .permissions import require_perm
from .serializers import TeamBriefSerializer

MAX_INT = 2_147_483_647  # the largest version number a lookup may carry on every database


class ActionPermissions:
    """The permission each action needs: ``action_permissions`` names the writes (the same
    permission their service checks); every other action needs ``view_permission``."""

    view_permission = ""
    action_permissions: dict[str, str] = {}

    def get_permissions(self):
        perm = self.action_permissions.get(self.action, self.view_permission)
        return [require_perm(perm)()]


class RefuseUnknownFields:
    """A field the endpoint cannot change is refused, not ignored, so a client never believes
    it changed something it did not."""

    def validate(self, attrs):
        sent = set(getattr(self, "initial_data", {}) or {}) - {"csrfmiddlewaretoken"}
        unknown = sorted(sent - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: "This field cannot be set here." for name in unknown}
            )
        return attrs


class CompareQuery(serializers.Serializer):
    """``?from=N&to=M``: the numbers of the two versions to compare. ("from" is a Python
    keyword, so the fields are built in ``get_fields``.)"""

    def get_fields(self):
        return {
            "from": serializers.IntegerField(
                min_value=1, max_value=MAX_INT, help_text="The number of the older version."
            ),
            "to": serializers.IntegerField(
                min_value=1, max_value=MAX_INT, help_text="The number of the newer version."
            ),
        }


NUMBER = OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH)
STEP_ID = OpenApiParameter("step_id", OpenApiTypes.INT, OpenApiParameter.PATH)
NEED_ID = OpenApiParameter("need_id", OpenApiTypes.INT, OpenApiParameter.PATH)
OFFER_ID = OpenApiParameter("offer_id", OpenApiTypes.INT, OpenApiParameter.PATH)
VERSION_PATH = r"versions/(?P<number>[0-9]{1,9})"


# --- Comparing two versions -------------------------------------------------------------------
class WordSerializer(serializers.Serializer):
    kind = NamedChoiceField(
        choices=[("same", "same"), ("removed", "removed"), ("added", "added")],
        enum_name="WordChangeKindEnum",
    )
    text = serializers.CharField()


class TextChangeSerializer(serializers.Serializer):
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()
    words = serializers.SerializerMethodField()

    @extend_schema_field(WordSerializer(many=True))
    def get_words(self, change: rules.TextChange) -> list[dict]:
        return [{"kind": kind, "text": text} for kind, text in change.words]


class ItemChangeSerializer(serializers.Serializer):
    section = serializers.CharField()
    key = serializers.CharField()
    kind = NamedChoiceField(
        choices=[("added", "added"), ("removed", "removed"), ("changed", "changed")],
        enum_name="ItemChangeKindEnum",
    )
    old = serializers.DictField(child=serializers.CharField(allow_blank=True), allow_null=True)
    new = serializers.DictField(child=serializers.CharField(allow_blank=True), allow_null=True)
    changed_fields = serializers.ListField(child=serializers.CharField())


class ComparisonSerializer(serializers.Serializer):
    """What changed from one version to another: texts word by word, items (promises, needs,
    channels, steps) added, removed or changed."""

    from_number = serializers.IntegerField()
    to_number = serializers.IntegerField()
    unchanged = serializers.BooleanField()
    texts = TextChangeSerializer(many=True)
    items = ItemChangeSerializer(many=True)


def _compare_numbers(request) -> tuple[int, int]:
    query = CompareQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data["from"], query.validated_data["to"]


def _comparison(old_number, new_number, old: dict, new: dict) -> dict:
    comparison = rules.compare(old, new)
    return ComparisonSerializer(
        {
            "from_number": old_number,
            "to_number": new_number,
            "unchanged": comparison.unchanged,
            "texts": comparison.texts,
            "items": comparison.items,
        }
    ).data


# --- Acknowledging ------------------------------------------------------------------------------
class AcknowledgementSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Acknowledgement
        fields = ["id", "charter_version", "policy_version", "user", "acknowledged_at"]
        read_only_fields = fields


# --- The charter --------------------------------------------------------------------------------
class PromiseSerializer(serializers.ModelSerializer):
    customer_type = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    segment = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    scope = serializers.CharField(source="scope_label", read_only=True)

    class Meta:
        model = ServicePromise
        fields = [
            "id",
            "version",
            "event",
            "scope",
            "customer_type",
            "segment",
            "topic",
            "target",
            "unit",
            "percent",
            "wording",
            "measure",
        ]
        read_only_fields = fields


class CustomerNeedSerializer(serializers.ModelSerializer):
    customer_type = CustomerTypeBriefSerializer(read_only=True)
    need_lines = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = CustomerNeed
        fields = ["id", "customer_type", "needs", "need_lines", "communication"]
        read_only_fields = fields


class ChannelOfferSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_channel_display", read_only=True)
    opening_hours = serializers.JSONField(
        read_only=True,
        help_text='By day, e.g. {"monday": [["08:00", "18:00"]]}; a day left out is closed; '
        "empty when the charter gives none (promises then run on the service hours).",
    )
    opening_hours_text = serializers.CharField(read_only=True)

    class Meta:
        model = ChannelOffer
        fields = [
            "id",
            "channel",
            "label",
            "opening_hours",
            "opening_hours_text",
            "hours",
            "suited_to",
        ]
        read_only_fields = fields


def version_status_field():
    # One named set of choices for the charter's and the policies' versions; left alone, the
    # schema would name it by a hash next to the approvals' "status".
    return NamedChoiceField(
        choices=VersionStatus.choices, enum_name="VersionStatusEnum", read_only=True
    )


class CharterVersionSerializer(serializers.ModelSerializer):
    status = version_status_field()
    approved_by = serializers.StringRelatedField()
    promises = PromiseSerializer(many=True, read_only=True)
    needs = CustomerNeedSerializer(many=True, read_only=True)
    channels = ChannelOfferSerializer(many=True, read_only=True)

    class Meta:
        model = CharterVersion
        fields = [
            "id",
            "number",
            "status",
            "vision",
            "mission",
            "welcome",
            "external_dispute_body",
            "summary_of_changes",
            "created_at",
            "approved_at",
            "approved_by",
            "promises",
            "needs",
            "channels",
        ]
        read_only_fields = fields


class CharterDraftSerializer(RefuseUnknownFields, serializers.Serializer):
    summary_of_changes = serializers.CharField(required=False, allow_blank=True)


class CharterTextSerializer(RefuseUnknownFields, serializers.Serializer):
    """The texts of a draft; send only what changes."""

    vision = serializers.CharField(required=False, allow_blank=True)
    mission = serializers.CharField(required=False, allow_blank=True, help_text="One aim per line.")
    welcome = serializers.CharField(required=False, allow_blank=True)
    external_dispute_body = serializers.CharField(required=False, allow_blank=True)
    summary_of_changes = serializers.CharField(required=False, allow_blank=True)


class NeedWriteSerializer(RefuseUnknownFields, serializers.Serializer):
    """What a customer type (by slug) needs, in a draft; the service checks the rest (one
    entry per customer type, at least one need)."""

    customer_type = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=CustomerType.objects.all(),
        error_messages={"does_not_exist": "There is no customer type '{value}'."},
    )
    needs = serializers.CharField(help_text="One need per line.")
    communication = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="What content suits them and on which channels.",
    )


class ChannelWriteSerializer(RefuseUnknownFields, serializers.Serializer):
    """A channel a draft offers; the service checks the rest (each channel offered once, its
    opening hours valid, and either they or a note given)."""

    channel = serializers.ChoiceField(choices=Channel.choices)
    opening_hours = serializers.JSONField(
        required=False,
        help_text='By day, e.g. {"monday": [["08:00", "18:00"]], "saturday": [["09:00", '
        '"13:00"]]} (or "08:00-18:00" for a day); a day left out is closed; {} for none. '
        "Times on the quarter hour, closing after opening.",
    )
    hours = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        help_text="A note on the hours: what they do not say, e.g. by appointment.",
    )
    suited_to = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="What content and which customers this channel suits.",
    )


class CharterViewSet(
    ActionPermissions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Every version of the charter, newest first, with its promises, needs and channels.
    A manager drafts the next version, edits the draft (its texts, its customers' needs and
    its channels) and approves it; staff acknowledge the current one."""

    serializer_class = CharterVersionSerializer
    lookup_value_regex = r"[0-9]{1,18}"
    view_permission = "standards.view_charterversion"
    action_permissions = {
        "create": "standards.add_charterversion",
        "partial_update": "standards.change_charterversion",
        "approve": "standards.approve_charterversion",
        "need_create": "standards.change_charterversion",
        "need_update": "standards.change_charterversion",
        "need_destroy": "standards.change_charterversion",
        "channel_create": "standards.change_charterversion",
        "channel_update": "standards.change_charterversion",
        "channel_destroy": "standards.change_charterversion",
    }

    def get_queryset(self):
        return selectors.charter_versions()

    def _version(self, pk) -> CharterVersion:
        return get_object_or_404(CharterVersion.objects.all(), pk=pk)

    def _render(self, version: CharterVersion, **kwargs) -> Response:
        return Response(
            CharterVersionSerializer(selectors.charter_version(version.number)).data, **kwargs
        )

    @extend_schema(request=CharterDraftSerializer, responses={201: CharterVersionSerializer})
    def create(self, request):
        """Start the next version as a draft, from the current version's text and items."""
        body = CharterDraftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        draft = services.charter_version_draft(actor=request.user, **body.validated_data)
        return self._render(draft, status=status.HTTP_201_CREATED)

    @extend_schema(request=CharterTextSerializer, responses=CharterVersionSerializer)
    def partial_update(self, request, pk=None):
        """Change a draft's texts (an approved version never changes: 409)."""
        version = self._version(pk)
        body = CharterTextSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.charter_version_update(actor=request.user, version=version, **body.validated_data)
        return self._render(version)

    @extend_schema(request=None, responses=CharterVersionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the draft: it becomes the current charter and the previous one is
        superseded."""
        version = self._version(pk)
        services.charter_version_approve(actor=request.user, version=version)
        return self._render(version)

    @extend_schema(request=None, responses=AcknowledgementSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """I have read this version (only the current one is acknowledged)."""
        version = self._version(pk)
        acknowledgement = services.charter_acknowledge(user=request.user, version=version)
        return Response(AcknowledgementSerializer(acknowledgement).data)

    # A draft's customer needs and channels: ``{id}/needs/`` and ``{id}/channels/``. Only a
    # draft changes (409 otherwise); the service says what is wrong with the rest (400).
    @extend_schema(request=NeedWriteSerializer, responses={201: CustomerNeedSerializer})
    @action(detail=True, methods=["post"], url_path="needs", url_name="needs")
    def need_create(self, request, pk=None):
        """Describe what another customer type needs, in a draft."""
        version = self._version(pk)
        body = NeedWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        need = services.need_save(actor=request.user, version=version, **body.validated_data)
        return Response(CustomerNeedSerializer(need).data, status=status.HTTP_201_CREATED)

    def _need(self, version: CharterVersion, need_id) -> CustomerNeed:
        return get_object_or_404(version.needs.select_related("customer_type"), pk=need_id)

    @extend_schema(
        parameters=[NEED_ID], request=NeedWriteSerializer, responses=CustomerNeedSerializer
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"needs/(?P<need_id>[0-9]{1,18})",
        url_name="need",
    )
    def need_update(self, request, pk=None, need_id=None):
        """Change what a customer type needs, in a draft; send only what changes."""
        version = self._version(pk)
        need = self._need(version, need_id)
        body = NeedWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        need = services.need_save(
            actor=request.user, version=version, need=need, **body.validated_data
        )
        return Response(CustomerNeedSerializer(need).data)

    @extend_schema(parameters=[NEED_ID], request=None, responses={204: None})
    @need_update.mapping.delete
    def need_destroy(self, request, pk=None, need_id=None):
        """Remove a customer type's needs from a draft."""
        version = self._version(pk)
        services.charter_part_remove(actor=request.user, part=self._need(version, need_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ChannelWriteSerializer, responses={201: ChannelOfferSerializer})
    @action(detail=True, methods=["post"], url_path="channels", url_name="channels")
    def channel_create(self, request, pk=None):
        """Offer another channel, in a draft."""
        version = self._version(pk)
        body = ChannelWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        offer = services.channel_save(actor=request.user, version=version, **body.validated_data)
        return Response(ChannelOfferSerializer(offer).data, status=status.HTTP_201_CREATED)

    def _offer(self, version: CharterVersion, offer_id) -> ChannelOffer:
        return get_object_or_404(version.channels.all(), pk=offer_id)

    @extend_schema(
        parameters=[OFFER_ID], request=ChannelWriteSerializer, responses=ChannelOfferSerializer
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"channels/(?P<offer_id>[0-9]{1,18})",
        url_name="channel",
    )
    def channel_update(self, request, pk=None, offer_id=None):
        """Change a channel's hours or what it suits, in a draft; send only what changes."""
        version = self._version(pk)
        offer = self._offer(version, offer_id)
        body = ChannelWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        offer = services.channel_save(
            actor=request.user, version=version, offer=offer, **body.validated_data
        )
        return Response(ChannelOfferSerializer(offer).data)

    @extend_schema(parameters=[OFFER_ID], request=None, responses={204: None})
    @channel_update.mapping.delete
    def channel_destroy(self, request, pk=None, offer_id=None):
        """Stop offering a channel, in a draft."""
        version = self._version(pk)
        services.charter_part_remove(actor=request.user, part=self._offer(version, offer_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[CompareQuery], responses=ComparisonSerializer)
    @action(detail=False, methods=["get"])
    def compare(self, request):
        """What changed between two versions of the charter, given by their numbers."""
        old_number, new_number = _compare_numbers(request)
        snapshots = []
        for number in (old_number, new_number):
            version = selectors.charter_version(number)
            if version is None:
                raise NotFound(f"There is no version {number} of the charter.")
            snapshots.append(selectors.charter_snapshot(version))
        return Response(_comparison(old_number, new_number, *snapshots))


class PromiseWriteSerializer(RefuseUnknownFields, serializers.Serializer):
    """A promise of a draft. Its scope is everyone, one customer type or one segment (by
    slug); the service checks the rest (targets, shares, wording)."""

    event = serializers.ChoiceField(choices=PromiseEvent.choices)
    customer_type = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=CustomerType.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "There is no customer type '{value}'."},
    )
    segment = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Segment.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "There is no segment '{value}'."},
    )
    topic = serializers.SlugField(max_length=40, required=False, allow_blank=True)
    target = serializers.DecimalField(max_digits=8, decimal_places=2)
    unit = serializers.ChoiceField(choices=PromiseUnit.choices)
    percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    wording = serializers.CharField(max_length=255)
    measure = serializers.CharField(max_length=255)


class PromiseCreateSerializer(PromiseWriteSerializer):
    version = serializers.PrimaryKeyRelatedField(
        queryset=CharterVersion.objects.all(), help_text="The id of the draft version."
    )


class PromiseViewSet(
    ActionPermissions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The promises of the current charter (``?version=N`` for another version's). Promises
    are added to, changed in and removed from a draft version."""

    serializer_class = PromiseSerializer
    lookup_value_regex = r"[0-9]{1,18}"
    view_permission = "standards.view_servicepromise"
    action_permissions = {
        "create": "standards.add_servicepromise",
        "partial_update": "standards.change_servicepromise",
        "destroy": "standards.delete_servicepromise",
    }

    def get_queryset(self):
        number = self.request.query_params.get("version", "")
        number = int(number) if number.isdigit() and len(number) < 10 else None
        return selectors.promises(version_number=number)

    def _promise(self, pk) -> ServicePromise:
        return get_object_or_404(ServicePromise.objects.select_related("version"), pk=pk)

    def _render(self, promise: ServicePromise, **kwargs) -> Response:
        found = selectors.promises(version_number=promise.version.number).get(pk=promise.pk)
        return Response(PromiseSerializer(found).data, **kwargs)

    @extend_schema(request=PromiseCreateSerializer, responses={201: PromiseSerializer})
    def create(self, request):
        body = PromiseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        promise = services.promise_save(actor=request.user, **body.validated_data)
        return self._render(promise, status=status.HTTP_201_CREATED)

    @extend_schema(request=PromiseWriteSerializer, responses=PromiseSerializer)
    def partial_update(self, request, pk=None):
        promise = self._promise(pk)
        body = PromiseWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        promise = services.promise_save(
            actor=request.user, version=promise.version, promise=promise, **body.validated_data
        )
        return self._render(promise)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.promise_remove(actor=request.user, promise=self._promise(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Policies -----------------------------------------------------------------------------------
class StepLimitSerializer(serializers.ModelSerializer):
    """The authority limit a step applies, and what it allows in words."""

    role = serializers.SlugRelatedField(slug_field="code", read_only=True)
    description = serializers.SerializerMethodField()

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
            "description",
        ]
        read_only_fields = fields

    def get_description(self, limit: AuthorityLimit) -> str:
        # The same words as /me/ and the approvals.
        return limit.description


class StepSerializer(serializers.ModelSerializer):
    """A numbered step; it may name the authority limit it applies, the role to refer to, or
    the form to use."""

    authority_limit = StepLimitSerializer(read_only=True, allow_null=True)
    refer_to_role = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ProcedureStep
        fields = [
            "id",
            "procedure",
            "number",
            "text",
            "authority_limit",
            "refer_to_role",
            "form_name",
        ]
        read_only_fields = fields


class PolicyVersionSerializer(serializers.ModelSerializer):
    status = version_status_field()
    approved_by = serializers.StringRelatedField()
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = PolicyVersion
        fields = [
            "id",
            "number",
            "status",
            "purpose",
            "scope",
            "resources",
            "responsibility",
            "legislation",
            "summary_of_changes",
            "created_at",
            "approved_at",
            "approved_by",
            "steps",
        ]
        read_only_fields = fields


class PolicySerializer(serializers.ModelSerializer):
    teams = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    versions = PolicyVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Policy
        fields = ["id", "slug", "title", "teams", "versions"]
        read_only_fields = fields


def _teams_field(**kwargs):
    return serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Team.objects.all(),
        many=True,
        help_text="Slugs of the teams who must acknowledge it; none means all staff.",
        **kwargs,
    )


class PolicyCreateSerializer(RefuseUnknownFields, serializers.Serializer):
    title = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=80, help_text="The policy's short name for links.")
    teams = _teams_field(required=False)


class PolicyUpdateSerializer(RefuseUnknownFields, serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    teams = _teams_field(required=False)


class PolicyDraftSerializer(RefuseUnknownFields, serializers.Serializer):
    summary_of_changes = serializers.CharField(required=False, allow_blank=True)


class PolicyTextSerializer(RefuseUnknownFields, serializers.Serializer):
    """The template fields of a draft policy; send only what changes."""

    purpose = serializers.CharField(required=False, allow_blank=True)
    scope = serializers.CharField(required=False, allow_blank=True)
    resources = serializers.CharField(required=False, allow_blank=True)
    responsibility = serializers.CharField(required=False, allow_blank=True)
    legislation = serializers.CharField(
        required=False, allow_blank=True, help_text="One act per line."
    )
    summary_of_changes = serializers.CharField(required=False, allow_blank=True)


class StepWriteSerializer(RefuseUnknownFields, serializers.Serializer):
    procedure = serializers.CharField(max_length=120)
    number = serializers.IntegerField(max_value=32767)
    text = serializers.CharField()
    authority_limit = serializers.PrimaryKeyRelatedField(
        queryset=AuthorityLimit.objects.all(),
        required=False,
        allow_null=True,
        help_text="The id of the authority limit the step applies (see /authority-limits/).",
    )
    refer_to_role = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Role.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "There is no role '{value}'."},
    )
    form_name = serializers.CharField(max_length=120, required=False, allow_blank=True)


class PolicyViewSet(
    ActionPermissions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Policies and their procedures, each with its versions (newest first) and their steps.
    A version is addressed by its number: ``/policies/{slug}/versions/{number}/``."""

    serializer_class = PolicySerializer
    queryset = Policy.objects.none()  # for the schema; requests use get_queryset
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,80}"
    view_permission = "standards.view_policy"
    action_permissions = {
        "create": "standards.add_policy",
        "partial_update": "standards.change_policy",
        "draft": "standards.add_policyversion",
        "version_update": "standards.change_policyversion",
        "step_create": "standards.change_policyversion",
        "step_update": "standards.change_policyversion",
        "step_destroy": "standards.change_policyversion",
        "approve": "standards.approve_policy",
    }

    def get_queryset(self):
        return selectors.policies(with_steps=True)

    def _policy(self, slug) -> Policy:
        return get_object_or_404(Policy.objects.all(), slug=slug)

    def _version(self, slug, number) -> PolicyVersion:
        version = selectors.policy_version(self._policy(slug), int(number))
        if version is None:
            raise NotFound(f"There is no version {number} of this policy.")
        return version

    def _render(self, policy: Policy, **kwargs) -> Response:
        return Response(PolicySerializer(self.get_queryset().get(pk=policy.pk)).data, **kwargs)

    def _render_version(self, version: PolicyVersion, **kwargs) -> Response:
        version = selectors.policy_version(version.policy, version.number)
        return Response(PolicyVersionSerializer(version).data, **kwargs)

    @extend_schema(request=PolicyCreateSerializer, responses={201: PolicySerializer})
    def create(self, request):
        """A new policy, without a version yet: draft its first version next."""
        body = PolicyCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        policy = services.policy_create(actor=request.user, **body.validated_data)
        return self._render(policy, status=status.HTTP_201_CREATED)

    @extend_schema(request=PolicyUpdateSerializer, responses=PolicySerializer)
    def partial_update(self, request, slug=None):
        """Rename the policy or change the teams it binds (its content changes by versions)."""
        policy = self._policy(slug)
        body = PolicyUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.policy_update(actor=request.user, policy=policy, **body.validated_data)
        return self._render(policy)

    @extend_schema(request=PolicyDraftSerializer, responses={201: PolicyVersionSerializer})
    @action(detail=True, methods=["post"])
    def draft(self, request, slug=None):
        """Start the policy's next version as a draft, from its current text and steps."""
        body = PolicyDraftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = services.policy_version_draft(
            actor=request.user, policy=self._policy(slug), **body.validated_data
        )
        return self._render_version(version, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[NUMBER], responses=PolicyVersionSerializer)
    @action(detail=True, methods=["get"], url_path=VERSION_PATH, url_name="version")
    def version_detail(self, request, slug=None, number=None):
        """One version of the policy, with its steps."""
        return Response(PolicyVersionSerializer(self._version(slug, number)).data)

    @extend_schema(
        parameters=[NUMBER], request=PolicyTextSerializer, responses=PolicyVersionSerializer
    )
    @version_detail.mapping.patch
    def version_update(self, request, slug=None, number=None):
        """Change a draft's template fields (an approved version never changes: 409)."""
        version = self._version(slug, number)
        body = PolicyTextSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.policy_version_update(actor=request.user, version=version, **body.validated_data)
        return self._render_version(version)

    @extend_schema(
        parameters=[NUMBER], request=StepWriteSerializer, responses={201: StepSerializer}
    )
    @action(
        detail=True, methods=["post"], url_path=f"{VERSION_PATH}/steps", url_name="version-steps"
    )
    def step_create(self, request, slug=None, number=None):
        """Add a numbered step to a draft."""
        version = self._version(slug, number)
        body = StepWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        step = services.step_save(actor=request.user, version=version, **body.validated_data)
        return Response(StepSerializer(step).data, status=status.HTTP_201_CREATED)

    def _step(self, version: PolicyVersion, step_id) -> ProcedureStep:
        return get_object_or_404(version.steps.all(), pk=step_id)

    @extend_schema(
        parameters=[NUMBER, STEP_ID], request=StepWriteSerializer, responses=StepSerializer
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=rf"{VERSION_PATH}/steps/(?P<step_id>[0-9]{{1,18}})",
        url_name="version-step",
    )
    def step_update(self, request, slug=None, number=None, step_id=None):
        """Change a step of a draft."""
        version = self._version(slug, number)
        step = self._step(version, step_id)
        body = StepWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        step = services.step_save(
            actor=request.user, version=version, step=step, **body.validated_data
        )
        return Response(StepSerializer(step).data)

    @extend_schema(parameters=[NUMBER, STEP_ID], request=None, responses={204: None})
    @step_update.mapping.delete
    def step_destroy(self, request, slug=None, number=None, step_id=None):
        """Remove a step from a draft."""
        version = self._version(slug, number)
        services.step_remove(actor=request.user, step=self._step(version, step_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[NUMBER], request=None, responses=PolicyVersionSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=f"{VERSION_PATH}/approve",
        url_name="version-approve",
    )
    def approve(self, request, slug=None, number=None):
        """Approve the draft: the policy's previous version is superseded."""
        version = self._version(slug, number)
        services.policy_version_approve(actor=request.user, version=version)
        return self._render_version(version)

    @extend_schema(parameters=[NUMBER], request=None, responses=AcknowledgementSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=f"{VERSION_PATH}/acknowledge",
        url_name="version-acknowledge",
    )
    def acknowledge(self, request, slug=None, number=None):
        """I have read this version (only the current one is acknowledged)."""
        version = self._version(slug, number)
        acknowledgement = services.policy_acknowledge(user=request.user, version=version)
        return Response(AcknowledgementSerializer(acknowledgement).data)

    @extend_schema(parameters=[CompareQuery], responses=ComparisonSerializer)
    @action(detail=True, methods=["get"])
    def compare(self, request, slug=None):
        """What changed between two versions of the policy, given by their numbers."""
        old_number, new_number = _compare_numbers(request)
        old, new = self._version(slug, old_number), self._version(slug, new_number)
        return Response(
            _comparison(
                old_number,
                new_number,
                selectors.policy_snapshot(old),
                selectors.policy_snapshot(new),
            )
        )


# --- Acknowledgements ---------------------------------------------------------------------------
class DocumentSerializer(serializers.Serializer):
    """A current document staff read and acknowledge: the charter or a policy's version."""

    kind = serializers.SerializerMethodField()
    title = serializers.CharField()
    number = serializers.IntegerField(source="version.number")
    policy = serializers.SerializerMethodField()
    acknowledge = serializers.SerializerMethodField()

    def get_kind(self, document: selectors.Outstanding) -> str:
        return "charter" if isinstance(document.version, CharterVersion) else "policy"

    def get_policy(self, document: selectors.Outstanding) -> str | None:
        """The policy's slug; null for the charter."""
        if isinstance(document.version, CharterVersion):
            return None
        return document.version.policy.slug

    def get_acknowledge(self, document: selectors.Outstanding) -> str:
        """Where to POST to acknowledge it."""
        request, version = self.context.get("request"), document.version
        if isinstance(version, CharterVersion):
            return reverse("api:charter-version-acknowledge", args=[version.pk], request=request)
        return reverse(
            "api:policy-version-acknowledge",
            args=[version.policy.slug, version.number],
            request=request,
        )


class TeamAcknowledgementsSerializer(serializers.Serializer):
    team = TeamBriefSerializer(allow_null=True)
    total = serializers.IntegerField()
    done = StaffBriefSerializer(many=True)
    missing = StaffBriefSerializer(many=True)


class DocumentAcknowledgementsSerializer(serializers.Serializer):
    document = DocumentSerializer()
    total = serializers.IntegerField()
    missing_count = serializers.IntegerField()
    teams = TeamAcknowledgementsSerializer(many=True)


class ReportQuery(serializers.Serializer):
    team = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Team.objects.all(),
        required=False,
        help_text="Only this team's staff (a team's slug).",
        error_messages={"does_not_exist": "There is no team '{value}'."},
    )


class AcknowledgementViewSet(ActionPermissions, viewsets.GenericViewSet):
    """What I still have to read and acknowledge; and, for those who may see it, who has
    acknowledged each current document, team by team."""

    queryset = Acknowledgement.objects.none()  # for the schema; requests use the selectors
    filter_backends = []
    view_permission = "standards.view_charterversion"
    action_permissions = {"report": "standards.view_acknowledgement"}

    @extend_schema(responses=DocumentSerializer(many=True))
    def list(self, request):
        """What I still have to read and acknowledge: the current charter and the current
        versions of the policies that bind my team, that I have not acknowledged yet."""
        outstanding = selectors.outstanding_for(request.user)
        page = self.paginate_queryset(outstanding)
        context = {"request": request}
        return self.get_paginated_response(
            DocumentSerializer(page, many=True, context=context).data
        )

    @extend_schema(
        parameters=[ReportQuery], responses=DocumentAcknowledgementsSerializer(many=True)
    )
    @action(detail=False, methods=["get"])
    def report(self, request):
        """For each current document, per team: who has acknowledged it and who has not."""
        given = {key: value for key, value in request.query_params.items() if value != ""}
        query = ReportQuery(data=given)
        query.is_valid(raise_exception=True)
        team = query.validated_data.get("team")
        report = selectors.acknowledgement_report(teams=[team] if team else None)
        page = self.paginate_queryset(report)
        context = {"request": request}
        return self.get_paginated_response(
            DocumentAcknowledgementsSerializer(page, many=True, context=context).data
        )
