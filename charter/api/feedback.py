"""Feedback and surveys over REST: questionnaires, survey campaigns, responses and comments
(with their topic, RATER dimension, sentiment and routing). Reads go through
``feedback.selectors``; writes through ``feedback.services``."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response as ApiResponse

from charter.feedback import selectors, services
from charter.feedback.models import (
    Answer,
    Comment,
    CommentKind,
    Dimension,
    Population,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireKind,
    QuestionRole,
    Response,
    Section,
    Sentiment,
    Survey,
    Topic,
)

from .cases import _channel
from .customers import NamedChoiceField
from .orders import ID_PATTERN, _query, customer_field
from .standards import ActionPermissions, RefuseUnknownFields


# --- Questionnaires -----------------------------------------------------------------------------
def _role(**kwargs):
    return NamedChoiceField(choices=QuestionRole.choices, enum_name="QuestionRoleEnum", **kwargs)


class QuestionSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(
        choices=QuestionKind.choices, enum_name="QuestionKindEnum", read_only=True
    )
    role = _role(read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "key",
            "kind",
            "role",
            "text",
            "expectation_text",
            "help",
            "choices",
            "low_label",
            "high_label",
            "dimension",
            "reverse_scored",
            "required",
        ]
        read_only_fields = fields


class SectionSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["title", "intro", "questions"]
        read_only_fields = fields


class QuestionnaireSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(
        choices=QuestionnaireKind.choices, enum_name="QuestionnaireKindEnum", read_only=True
    )

    class Meta:
        model = Questionnaire
        fields = ["id", "code", "version", "kind", "title", "intro", "shipped", "published_at"]
        read_only_fields = fields


class QuestionnaireDetailSerializer(QuestionnaireSerializer):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta(QuestionnaireSerializer.Meta):
        fields = [*QuestionnaireSerializer.Meta.fields, "thanks", "sections"]
        read_only_fields = fields


class QuestionnaireViewSet(ActionPermissions, viewsets.ReadOnlyModelViewSet):
    """Questionnaires, every version (``?code=`` for one family)."""

    serializer_class = QuestionnaireSerializer
    lookup_value_regex = ID_PATTERN
    filter_backends = []
    view_permission = "feedback.view_questionnaire"

    def get_queryset(self):
        questionnaires = Questionnaire.objects.order_by("code", "-version")
        code = self.request.query_params.get("code")
        if code:
            questionnaires = questionnaires.filter(code=code)
        if self.action == "retrieve":
            questionnaires = questionnaires.prefetch_related("sections__questions")
        return questionnaires

    def get_serializer_class(self):
        return (
            QuestionnaireDetailSerializer
            if self.action == "retrieve"
            else super().get_serializer_class()
        )


# --- Surveys ------------------------------------------------------------------------------------
class SurveySerializer(serializers.ModelSerializer):
    questionnaire = QuestionnaireSerializer(read_only=True)
    population = NamedChoiceField(
        choices=Population.choices, enum_name="SurveyPopulationEnum", read_only=True
    )
    invited = serializers.SerializerMethodField()
    responded = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = [
            "id",
            "name",
            "questionnaire",
            "status",
            "population",
            "segment",
            "period_start",
            "period_end",
            "responses_wanted",
            "margin_wanted",
            "expected_response_rate",
            "invitations_planned",
            "incentive",
            "opens_on",
            "closes_on",
            "remind_after_days",
            "previous",
            "invited",
            "responded",
        ]
        read_only_fields = fields

    def get_invited(self, survey) -> int:
        return getattr(survey, "invited", None) or survey.invitations.count()

    def get_responded(self, survey) -> int:
        value = getattr(survey, "responded", None)
        if value is None:
            value = survey.invitations.filter(responded_at__isnull=False).count()
        return value


class SurveyCreateSerializer(RefuseUnknownFields, serializers.Serializer):
    name = serializers.CharField(max_length=200)
    questionnaire = serializers.PrimaryKeyRelatedField(queryset=Questionnaire.objects.all())
    population = serializers.ChoiceField(choices=Population.choices)
    segment = serializers.PrimaryKeyRelatedField(
        queryset=Survey._meta.get_field("segment").related_model.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
    period_start = serializers.DateField(required=False, allow_null=True, default=None)
    period_end = serializers.DateField(required=False, allow_null=True, default=None)
    responses_wanted = serializers.IntegerField(min_value=1, default=100)
    margin_wanted = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, default=None
    )
    expected_response_rate = serializers.DecimalField(max_digits=4, decimal_places=1, default=33.3)
    invitations_planned = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None
    )
    incentive = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    remind_after_days = serializers.IntegerField(min_value=1, max_value=60, default=7)


class ProgressSerializer(serializers.Serializer):
    invited = serializers.IntegerField()
    sent = serializers.IntegerField()
    opened = serializers.IntegerField()
    responded = serializers.IntegerField()
    reminded = serializers.IntegerField()
    failed = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)


class SurveyViewSet(ActionPermissions, viewsets.GenericViewSet):
    """Survey campaigns. ``open`` draws and emails the invitations; ``close`` stops the links
    taking answers; ``progress`` is the live response rate."""

    serializer_class = SurveySerializer
    queryset = Survey.objects.none()
    lookup_value_regex = ID_PATTERN
    filter_backends = []
    view_permission = "feedback.view_survey"
    action_permissions = {
        "create": "feedback.add_survey",
        "open": "feedback.send_survey",
        "close": "feedback.send_survey",
    }

    def _survey(self, pk) -> Survey:
        survey = selectors.surveys_overview().filter(pk=pk).first()
        if survey is None:
            raise Http404
        return survey

    def list(self, request):
        page = self.paginate_queryset(selectors.surveys_overview())
        return self.get_paginated_response(SurveySerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return ApiResponse(SurveySerializer(self._survey(pk)).data)

    @extend_schema(request=SurveyCreateSerializer, responses={201: SurveySerializer})
    def create(self, request):
        """Plan a survey; without ``invitations_planned`` Charter works it out from the
        population, the responses (or margin of error) wanted and the response rate."""
        body = SurveyCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        survey = services.survey_create(actor=request.user, **body.validated_data)
        return ApiResponse(
            SurveySerializer(self._survey(survey.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses=SurveySerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        survey = services.survey_open(actor=request.user, survey=self._survey(pk))
        return ApiResponse(SurveySerializer(self._survey(survey.pk)).data)

    @extend_schema(request=None, responses=SurveySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        survey = services.survey_close(actor=request.user, survey=self._survey(pk))
        return ApiResponse(SurveySerializer(self._survey(survey.pk)).data)

    @extend_schema(responses=ProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        progress = selectors.survey_progress(self._survey(pk))
        return ApiResponse(
            ProgressSerializer({**progress.__dict__, "response_rate": progress.response_rate}).data
        )


# --- Responses ----------------------------------------------------------------------------------
class AnswerSerializer(serializers.ModelSerializer):
    question = serializers.SlugRelatedField(slug_field="key", read_only=True)
    role = _role(read_only=True)

    class Meta:
        model = Answer
        fields = [
            "question",
            "role",
            "dimension",
            "number",
            "expectation",
            "perception",
            "choices",
            "text",
        ]
        read_only_fields = fields


class ResponseSerializer(serializers.ModelSerializer):
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = Response
        fields = [
            "id",
            "questionnaire",
            "survey",
            "customer",
            "case",
            "officer",
            "team",
            "submitted_at",
            "answers",
        ]
        read_only_fields = fields


class ResponseListQuery(serializers.Serializer):
    survey = serializers.IntegerField(required=False)
    questionnaire = serializers.IntegerField(required=False)


class ResponseViewSet(ActionPermissions, viewsets.GenericViewSet):
    """Responses with their answers (``?survey=``, ``?questionnaire=``); read-only: answers
    come in through the private links."""

    serializer_class = ResponseSerializer
    queryset = Response.objects.none()
    lookup_value_regex = ID_PATTERN
    filter_backends = []
    view_permission = "feedback.view_response"

    def _responses(self):
        return Response.objects.prefetch_related("answers__question").order_by(
            "-submitted_at", "-pk"
        )

    @extend_schema(parameters=[ResponseListQuery], responses=ResponseSerializer(many=True))
    def list(self, request):
        f = _query(ResponseListQuery, request)
        responses = self._responses()
        if f.get("survey"):
            responses = responses.filter(survey_id=f["survey"])
        if f.get("questionnaire"):
            responses = responses.filter(questionnaire_id=f["questionnaire"])
        page = self.paginate_queryset(responses)
        return self.get_paginated_response(ResponseSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        response = self._responses().filter(pk=pk).first()
        if response is None:
            raise Http404
        return ApiResponse(ResponseSerializer(response).data)


# --- Comments -----------------------------------------------------------------------------------
class TopicSerializer(serializers.ModelSerializer):
    responsible = serializers.StringRelatedField(read_only=True)
    responsible_team = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = Topic
        fields = ["code", "name", "description", "responsible", "responsible_team", "is_active"]
        read_only_fields = fields


class CommentSerializer(serializers.ModelSerializer):
    topic = serializers.SlugRelatedField(slug_field="code", read_only=True)
    routed_to = serializers.StringRelatedField(read_only=True)
    kind = NamedChoiceField(
        choices=CommentKind.choices, enum_name="CommentKindEnum", read_only=True
    )
    channel = _channel(read_only=True)

    class Meta:
        model = Comment
        fields = [
            "id",
            "kind",
            "source",
            "channel",
            "text",
            "rating",
            "customer",
            "received_at",
            "topic",
            "topic_confidence",
            "dimension",
            "dimension_confidence",
            "sentiment",
            "sentiment_confidence",
            "sorted_by",
            "routed_to",
            "status",
            "action_taken",
            "case",
            "opened_case",
        ]
        read_only_fields = fields


class CommentCreateSerializer(RefuseUnknownFields, serializers.Serializer):
    kind = serializers.ChoiceField(choices=CommentKind.choices)
    text = serializers.CharField(max_length=5_000)
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    customer = customer_field(required=False, allow_null=True, default=None)
    name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    wants_reply = serializers.BooleanField(required=False, default=False)
    channel = serializers.CharField(max_length=16, required=False, default="telephone")


class CorrectSerializer(RefuseUnknownFields, serializers.Serializer):
    topic = serializers.SlugRelatedField(slug_field="code", queryset=Topic.objects.all())
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    sentiment = serializers.ChoiceField(choices=Sentiment.choices)


class ActionTakenSerializer(RefuseUnknownFields, serializers.Serializer):
    action = serializers.CharField(max_length=2_000)


class CommentListQuery(serializers.Serializer):
    mine = serializers.BooleanField(required=False, default=False)
    topic = serializers.CharField(required=False)
    sentiment = serializers.ChoiceField(choices=Sentiment.choices, required=False)
    status = serializers.CharField(required=False)


class FeedbackViewSet(ActionPermissions, viewsets.GenericViewSet):
    """Comments from every source, sorted (topic, RATER dimension, sentiment, each with a
    confidence) and routed. A manager sees what is routed to them; feedback managers see
    all. ``topics`` lists the routing table."""

    serializer_class = CommentSerializer
    queryset = Comment.objects.none()
    lookup_value_regex = ID_PATTERN
    filter_backends = []
    view_permission = "feedback.view_topic"
    action_permissions = {"create": "feedback.add_comment", "correct": "feedback.sort_comment"}

    def _comment(self, pk) -> Comment:
        comment = selectors.comments_for(self.request.user).filter(pk=pk).first()
        if comment is None:
            raise Http404
        return comment

    def _render(self, comment: Comment, **kwargs):
        return ApiResponse(CommentSerializer(self._comment(comment.pk)).data, **kwargs)

    @extend_schema(parameters=[CommentListQuery], responses=CommentSerializer(many=True))
    def list(self, request):
        f = _query(CommentListQuery, request)
        comments = selectors.comments_for(request.user)
        if f["mine"]:
            comments = comments.filter(routed_to=request.user)
        for name in ("sentiment", "status"):
            if f.get(name):
                comments = comments.filter(**{name: f[name]})
        if f.get("topic"):
            comments = comments.filter(topic__code=f["topic"])
        page = self.paginate_queryset(comments)
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return ApiResponse(CommentSerializer(self._comment(pk)).data)

    @extend_schema(request=CommentCreateSerializer, responses={201: CommentSerializer})
    def create(self, request):
        """Record feedback that came by phone, letter or in person (a complaint opens a
        case); it is sorted and routed at once."""
        body = CommentCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        comment = services.feedback_give(actor=request.user, **body.validated_data)
        # The one who recorded it sees it once, even if it is routed to someone else.
        return ApiResponse(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=CommentSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._render(
            services.comment_acknowledge(actor=request.user, comment=self._comment(pk))
        )

    @extend_schema(request=None, responses=CommentSerializer)
    @action(detail=True, methods=["post"], url_path="open-case")
    def open_case(self, request, pk=None):
        comment = self._comment(pk)
        services.comment_open_case(actor=request.user, comment=comment)
        return self._render(comment)

    @extend_schema(request=ActionTakenSerializer, responses=CommentSerializer)
    @action(detail=True, methods=["post"], url_path="action-taken")
    def action_taken(self, request, pk=None):
        body = ActionTakenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._render(
            services.comment_record_action(
                actor=request.user, comment=self._comment(pk), action=body.validated_data["action"]
            )
        )

    @extend_schema(request=CorrectSerializer, responses=CommentSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Correct the topic, dimension and sentiment; the categoriser learns from it."""
        body = CorrectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._render(
            services.comment_correct(
                actor=request.user, comment=self._comment(pk), **body.validated_data
            )
        )

    @extend_schema(responses=TopicSerializer(many=True))
    @action(detail=False, methods=["get"])
    def topics(self, request):
        topics = Topic.objects.select_related("responsible", "responsible_team")
        return ApiResponse(TopicSerializer(topics, many=True).data)
