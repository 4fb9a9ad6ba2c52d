"""Reads for feedback and surveys: who a survey reaches, its progress, the scores by period,
segment, team and officer (aggregated in the database, finished by ``rules``), and comments.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import connection
from django.db.models import Avg, Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils import timezone

from charter.customers.models import Customer

from . import rules
from .models import (
    Answer,
    Comment,
    CommentStatus,
    Dimension,
    Invitation,
    Population,
    Questionnaire,
    QuestionRole,
    Response,
    Survey,
    Topic,
)

GROUPS = {
    "": "Everyone",
    "month": "Month",
    "quarter": "Quarter",
    "segment": "Segment",
    "team": "Team",
    "officer": "Officer",
}


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


# --- Surveys ------------------------------------------------------------------------------------
def survey_population(survey: Survey) -> QuerySet[Customer]:
    """The customers a survey may invite: in its population, active, not erased, with an email
    address and their consent to surveys."""
    customers = Customer.objects.filter(
        is_active=True, erased_at__isnull=True, consent_surveys=True
    ).exclude(email="")
    if survey.population == Population.SEGMENT:
        customers = customers.filter(
            segment_memberships__segment=survey.segment, segment_memberships__left_at__isnull=True
        )
    elif survey.population == Population.CASES_CLOSED:
        customers = customers.filter(
            cases__closed_at__gte=_start(survey.period_start),
            cases__closed_at__lte=_end(survey.period_end),
        )
    elif survey.population == Population.ORDERED:
        customers = customers.filter(
            orders__placed_at__gte=_start(survey.period_start),
            orders__placed_at__lte=_end(survey.period_end),
        )
    return customers.distinct().order_by("pk")


@dataclass(frozen=True)
class Progress:
    invited: int
    sent: int
    opened: int
    responded: int
    reminded: int
    failed: int

    @property
    def response_rate(self) -> float | None:
        return 100 * self.responded / self.sent if self.sent else None


def survey_progress(survey: Survey) -> Progress:
    counts = Invitation.objects.filter(survey=survey).aggregate(
        invited=Count("pk"),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        responded=Count("pk", filter=Q(responded_at__isnull=False)),
        reminded=Count("pk", filter=Q(reminded_at__isnull=False)),
        failed=Count("pk", filter=~Q(send_problem="")),
    )
    return Progress(**counts)


def surveys_overview() -> QuerySet[Survey]:
    """Surveys with their invitation counts, for the list (one query)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    def counted(model):
        return Coalesce(
            Subquery(
                model.objects.filter(survey=OuterRef("pk"))
                .order_by()
                .values("survey")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )

    # Answers count responses, not invitations: after-case surveys invite as cases close.
    return (
        Survey.objects.select_related("questionnaire", "segment")
        .annotate(invited=counted(Invitation), responded=counted(Response))
        .order_by("-opens_on", "-pk")
    )


def questionnaires_current() -> list[Questionnaire]:
    """The newest version of each questionnaire."""
    newest = {}
    for questionnaire in Questionnaire.objects.order_by("code", "-version"):
        newest.setdefault(questionnaire.code, questionnaire)
    return sorted(newest.values(), key=lambda q: q.title)


# --- Scores -------------------------------------------------------------------------------------
@dataclass
class ScoreFilter:
    code: str = ""  # a questionnaire family; empty for every one that asks the score
    survey: Survey | None = None
    since: date | None = None
    until: date | None = None
    group: str = ""


def _answers(role: str, scope: ScoreFilter) -> QuerySet[Answer]:
    answers = Answer.objects.filter(role=role)
    if scope.survey is not None:
        answers = answers.filter(response__survey=scope.survey)
    elif scope.code:
        answers = answers.filter(response__questionnaire__code=scope.code)
    if scope.since:
        answers = answers.filter(response__submitted_at__gte=_start(scope.since))
    if scope.until:
        answers = answers.filter(response__submitted_at__lte=_end(scope.until))
    return answers


def _grouped(answers: QuerySet[Answer], group: str) -> tuple[QuerySet, str]:
    """Answers with a ``grp`` value to group by."""
    if group == "month":
        return answers.annotate(grp=TruncMonth("response__submitted_at")), "grp"
    if group == "quarter":
        return answers.annotate(grp=TruncQuarter("response__submitted_at")), "grp"
    if group == "team":
        return answers.annotate(grp=F("response__team__name")), "grp"
    if group == "officer":
        return answers.annotate(grp=F("response__officer_id")), "grp"
    if group == "segment":
        # The segments the customer was in when they answered (one answer may count in
        # several segments, as segments overlap).
        return (
            answers.filter(
                Q(response__customer__segment_memberships__left_at__isnull=True)
                | Q(
                    response__customer__segment_memberships__left_at__gt=F("response__submitted_at")
                ),
                response__customer__segment_memberships__entered_at__lte=F(
                    "response__submitted_at"
                ),
            ).annotate(grp=F("response__customer__segment_memberships__segment__name")),
            "grp",
        )
    return answers.annotate(grp=Value("")), "grp"


def _label(group: str, value) -> str:
    if group == "month":
        return f"{timezone.localtime(value):%b %Y}" if value else "—"
    if group == "quarter":
        if not value:
            return "—"
        local = timezone.localtime(value)
        return f"Q{(local.month - 1) // 3 + 1} {local.year}"
    if value not in (None, ""):
        return str(value)
    return NO_GROUP.get(group, "Not known")


# What a row of answers that belong to no group is called: a response with no officer (a
# survey not about a case), an officer in no team, a customer in no segment.
NO_GROUP = {
    "": "Everyone",
    "team": "No team",
    "officer": "Not linked to an officer",
    "segment": "In no segment",
}


def _officer_names(values) -> dict:
    from django.contrib.auth import get_user_model

    ids = [v for v in values if v]
    return {
        u.pk: u.get_full_name() or u.username for u in get_user_model().objects.filter(pk__in=ids)
    }


@dataclass
class Row:
    key: object
    label: str
    score: object


def _rows(group: str, results: dict) -> list[Row]:
    names = _officer_names(results) if group == "officer" else {}
    rows = [Row(key, names.get(key) or _label(group, key), score) for key, score in results.items()]
    if group in ("month", "quarter"):
        rows.sort(key=lambda r: (r.key is None, r.key or datetime.min))
    else:
        rows.sort(key=lambda r: (r.key in (None, ""), r.label))  # the ungrouped row last
    return rows


def nps_scores(scope: ScoreFilter) -> list[Row]:
    answers, key = _grouped(_answers(QuestionRole.NPS, scope), scope.group)
    counts = answers.values(key).annotate(
        promoters=Count("pk", filter=Q(number__gte=9)),
        passives=Count("pk", filter=Q(number__gte=7, number__lte=8)),
        detractors=Count("pk", filter=Q(number__lte=6)),
    )
    return _rows(
        scope.group,
        {
            c[key]: rules.nps_from_counts(c["promoters"], c["passives"], c["detractors"])
            for c in counts
            if c["promoters"] + c["passives"] + c["detractors"]
        },
    )


def csat_scores(scope: ScoreFilter) -> list[Row]:
    answers, key = _grouped(_answers(QuestionRole.CSAT, scope), scope.group)
    counts = answers.values(key).annotate(
        n=Count("pk"), satisfied=Count("pk", filter=Q(number__gte=4))
    )
    return _rows(
        scope.group,
        {c[key]: rules.csat_from_counts(c["satisfied"], c["n"]) for c in counts if c["n"]},
    )


def ces_scores(scope: ScoreFilter) -> list[Row]:
    answers, key = _grouped(_answers(QuestionRole.CES, scope), scope.group)
    means = answers.values(key).annotate(n=Count("pk"), mean=Avg("number"))
    return _rows(
        scope.group,
        {m[key]: rules.Mean(float(m["mean"]), m["n"]) for m in means if m["n"]},
    )


@dataclass
class Servqual:
    dimensions: dict[str, rules.Mean]
    unweighted: float | None
    weighted: rules.Mean
    weights: dict[str, float | None]
    respondents: int
    items: list = field(default_factory=list)


def _gap_expression():
    """Perception minus expectation; a negatively worded item is turned round first (on a
    7-point scale, 8 - score), which turns its gap round too."""
    return Case(
        When(question__reverse_scored=True, then=F("expectation") - F("perception")),
        default=F("perception") - F("expectation"),
        output_field=IntegerField(),
    )


def _responses(scope: ScoreFilter) -> QuerySet[Response]:
    responses = Response.objects.order_by()
    if scope.survey is not None:
        responses = responses.filter(survey=scope.survey)
    elif scope.code:
        responses = responses.filter(questionnaire__code=scope.code)
    if scope.since:
        responses = responses.filter(submitted_at__gte=_start(scope.since))
    if scope.until:
        responses = responses.filter(submitted_at__lte=_end(scope.until))
    return responses


def _response_groups(scope: ScoreFilter) -> QuerySet:
    """(response id, group) rows; a response counts in each segment its customer was in."""
    responses = _responses(scope)
    group = scope.group
    if group == "month":
        grp = TruncMonth("submitted_at")
    elif group == "quarter":
        grp = TruncQuarter("submitted_at")
    elif group == "team":
        grp = F("team__name")
    elif group == "officer":
        grp = F("officer_id")
    elif group == "segment":
        responses = responses.filter(
            Q(customer__segment_memberships__left_at__isnull=True)
            | Q(customer__segment_memberships__left_at__gt=F("submitted_at")),
            customer__segment_memberships__entered_at__lte=F("submitted_at"),
        )
        grp = F("customer__segment_memberships__segment__name")
    else:
        grp = Value("")
    return responses.annotate(grp=grp).values("id", "grp")


def _group_key(group: str, value):
    """A group value read by raw SQL as the ORM would give it (periods as aware times)."""
    if group in ("month", "quarter") and value is not None:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
    return value


def servqual_scores(scope: ScoreFilter) -> list[Row]:
    """SERVQUAL per group, computed in the database in one statement: each respondent's gap
    per dimension (``per``), their points (``pts``), whether their allocation is valid and
    their weighted score (``alloc``); then per group the dimension scores (means over
    respondents), the weighted score (mean over valid allocations with a gap for every
    weighted dimension), the mean weights and the respondents. The unweighted score (the mean
    of the five dimension scores) is finished here."""
    per = (
        _answers(QuestionRole.SERVQUAL, scope)
        .filter(expectation__isnull=False, perception__isnull=False)
        .order_by()
        .values("response_id", "dimension")
        .annotate(gap=Avg(_gap_expression()))
    )
    pts = (
        _answers(QuestionRole.WEIGHTS, scope)
        .order_by()
        .values("response_id", "dimension", "number")
    )
    parts = [q.query.sql_with_params() for q in (per, pts, _response_groups(scope))]
    sql = f"""
        WITH per AS ({parts[0][0]}), pts AS ({parts[1][0]}), grp AS ({parts[2][0]}),
        alloc AS (
            SELECT pts.response_id AS response_id, SUM(pts.number) AS total,
                   SUM(pts.number * per.gap) / 100.0 AS weighted,
                   SUM(CASE WHEN pts.number > 0 AND per.gap IS NULL THEN 1 ELSE 0 END)
                       AS missing
            FROM pts LEFT JOIN per
                ON per.response_id = pts.response_id AND per.dimension = pts.dimension
            GROUP BY pts.response_id
        )
        SELECT 'd', grp.grp, per.dimension, AVG(per.gap), COUNT(*)
            FROM per JOIN grp ON grp.id = per.response_id GROUP BY grp.grp, per.dimension
        UNION ALL
        SELECT 'w', grp.grp, '', AVG(alloc.weighted), COUNT(*)
            FROM alloc JOIN grp ON grp.id = alloc.response_id
            WHERE alloc.total = 100 AND alloc.missing = 0 GROUP BY grp.grp
        UNION ALL
        SELECT 'p', grp.grp, pts.dimension, AVG(pts.number), COUNT(*)
            FROM pts JOIN alloc ON alloc.response_id = pts.response_id
            JOIN grp ON grp.id = pts.response_id
            WHERE alloc.total = 100 GROUP BY grp.grp, pts.dimension
        UNION ALL
        SELECT 'r', grp.grp, '', COUNT(DISTINCT per.response_id), 0
            FROM per JOIN grp ON grp.id = per.response_id GROUP BY grp.grp
    """
    params = [*parts[0][1], *parts[1][1], *parts[2][1]]
    found: dict = defaultdict(
        lambda: {"dimensions": {}, "weighted": rules.Mean(None, 0), "weights": {}, "n": 0}
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for part, group, dimension, value, n in cursor.fetchall():
            entry = found[_group_key(scope.group, group)]
            value = float(value) if value is not None else None
            if part == "d":
                entry["dimensions"][dimension] = rules.Mean(value, n)
            elif part == "w":
                entry["weighted"] = rules.Mean(value, n)
            elif part == "p":
                entry["weights"][dimension] = value
            else:
                entry["n"] = int(value)
    results = {}
    for group, entry in found.items():
        dimensions = {d: entry["dimensions"].get(d, rules.Mean(None, 0)) for d in Dimension.values}
        values = [m.value for m in dimensions.values()]
        results[group] = Servqual(
            dimensions=dimensions,
            unweighted=None if None in values else sum(values) / len(values),
            weighted=entry["weighted"],
            weights={d: entry["weights"].get(d) for d in Dimension.values},
            respondents=entry["n"],
        )
    return _rows(scope.group, results)


def servqual_items(scope: ScoreFilter) -> list[dict]:
    """Each item's mean expectation, perception and gap, with how many answered."""
    answers = _answers(QuestionRole.SERVQUAL, scope).filter(
        expectation__isnull=False, perception__isnull=False
    )
    rows = (
        answers.values("question__key", "question__text", "dimension")
        .annotate(
            n=Count("pk"),
            gap=Avg(_gap_expression()),
            mean_expectation=Avg("expectation"),
            mean_perception=Avg("perception"),
        )
        .order_by("dimension", "question__key")
    )
    return [
        {
            "key": r["question__key"],
            "text": r["question__text"],
            "dimension": r["dimension"],
            "n": r["n"],
            "expectation": float(r["mean_expectation"]),
            "perception": float(r["mean_perception"]),
            "gap": float(r["gap"]),
        }
        for r in rows
    ]


def response_counts(scope: ScoreFilter) -> int:
    responses = Response.objects.all()
    if scope.survey is not None:
        responses = responses.filter(survey=scope.survey)
    elif scope.code:
        responses = responses.filter(questionnaire__code=scope.code)
    return responses.count()


# --- Comments -----------------------------------------------------------------------------------
def comments_for(user) -> QuerySet[Comment]:
    """Comments a person may read: all of them with the right to manage feedback, otherwise
    those routed to them."""
    comments = Comment.objects.select_related("topic", "customer", "routed_to", "opened_case")
    if user.has_perm("feedback.view_comment"):
        return comments
    return comments.filter(routed_to=user)


def inbox(user) -> QuerySet[Comment]:
    """What waits for this manager: comments routed to them not yet acted on."""
    return comments_for(user).filter(routed_to=user, status=CommentStatus.NEW)


@dataclass
class MonthlySummary:
    month: date
    total: int
    by_topic: list
    by_sentiment: dict
    by_dimension: list
    examples: dict
    previous_by_topic: dict


def monthly_summary(month: date) -> MonthlySummary:
    """The managers' meeting: counts per topic (with last month's beside them), sentiment and
    RATER dimension, and two example comments per topic (the most confident negative first)."""
    first = month.replace(day=1)
    nxt = (first.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)
    previous = (first - timezone.timedelta(days=1)).replace(day=1)

    def window(start, end):
        return Comment.objects.filter(received_at__gte=_start(start), received_at__lt=_start(end))

    this = window(first, nxt)
    by_topic = list(
        this.values("topic__code", "topic__name")
        .annotate(
            n=Count("pk"),
            negative=Count("pk", filter=Q(sentiment="negative")),
            positive=Count("pk", filter=Q(sentiment="positive")),
        )
        .order_by("-n")
    )
    previous_by_topic = dict(
        window(previous, first).values_list("topic__code").annotate(n=Count("pk"))
    )
    by_sentiment = dict(this.values_list("sentiment").annotate(n=Count("pk")))
    by_dimension = list(this.values("dimension").annotate(n=Count("pk")).order_by("-n"))
    examples: dict = defaultdict(list)
    for comment in this.order_by("topic_id", "-sentiment_confidence").select_related("topic")[
        :2000
    ]:
        code = comment.topic.code if comment.topic_id else ""
        if len(examples[code]) < 2 and len(comment.text) > 20:
            examples[code].append(comment)
    return MonthlySummary(
        month=first,
        total=sum(t["n"] for t in by_topic),
        by_topic=by_topic,
        by_sentiment=by_sentiment,
        by_dimension=by_dimension,
        examples=dict(examples),
        previous_by_topic=previous_by_topic,
    )


def routing_table() -> QuerySet[Topic]:
    return Topic.objects.select_related("responsible", "responsible_team__lead").annotate(
        waiting=Count("comments", filter=Q(comments__status=CommentStatus.NEW))
    )
