"""The charter over REST (read-only for now): its versions and their promises."""

from rest_framework import mixins, serializers, viewsets

from charter.standards import selectors
from charter.standards.models import CharterVersion, ServicePromise

from .permissions import require_perm


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
            "target",
            "unit",
            "percent",
            "wording",
            "measure",
        ]


class CharterVersionSerializer(serializers.ModelSerializer):
    approved_by = serializers.StringRelatedField()
    promises = PromiseSerializer(many=True, read_only=True)

    class Meta:
        model = CharterVersion
        fields = [
            "id",
            "number",
            "status",
            "vision",
            "mission",
            "welcome",
            "summary_of_changes",
            "approved_at",
            "approved_by",
            "promises",
        ]


class CharterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every version of the charter, newest first, each with its promises."""

    serializer_class = CharterVersionSerializer
    permission_classes = [require_perm("standards.view_charterversion")]

    def get_queryset(self):
        return selectors.charter_versions()


class PromiseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The promises of the current charter (``?version=N`` for another version's)."""

    serializer_class = PromiseSerializer
    permission_classes = [require_perm("standards.view_servicepromise")]

    def get_queryset(self):
        number = self.request.query_params.get("version", "")
        return selectors.promises(version_number=int(number) if number.isdigit() else None)
