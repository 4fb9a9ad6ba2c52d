"""Innovative Widgets' feedback: who is responsible for each topic, a year of comments, two
RATER / SERVQUAL survey runs, CSAT after closed cases, and an NPS survey open now.

- **Routing.** Waiting time and staff manner go to John (he coaches the officers); delivery and
  product quality to Grace; information and pricing to Alex; the website and anything else to
  Sofia, the analyst who prepares the monthly summary.
- **A year of comments** from the feedback form and from officers, about 35 a month, echoing
  the seeds: late deliveries and the wrong widget size all year; from October, when two new
  officers started and John went on leave, customers left on hold and spoken to curtly: once
  Mary has started, four in five of those name her, as the seeds' manager observed.
- **Two RATER runs** (March and September), about 300 invited for 100 answers each. Customers
  expect a great deal everywhere and weight reliability most; perceptions of reliability and
  responsiveness fall between the two runs, so their gaps widen.
- **CSAT after closed cases**: about a third of customers answer; satisfaction drops from
  October, most for Mary's cases, whose unhappy customers say why (the comment keeps the
  response, and so the officer, it came with).
- **An NPS survey open** for the last ten days, with its first answers, whose first
  invitation's link the demo writes beside the logins (``var/demo-survey-link.txt``) so that
  anyone can answer it as a customer would.

Which October, which year and which March and September follow from the day the demo is loaded
(``charter.core.demo_dates``). Comments are sorted by the categoriser as they would be live.
Running it twice changes nothing: each part is found by its marker.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from charter.accounts.models import User
from charter.core import demo_dates
from charter.customers.models import Customer

from . import services
from .categoriser import starter_comments
from .models import (
    Answer,
    Comment,
    CommentKind,
    CommentSource,
    CommentStatus,
    Invitation,
    Population,
    Question,
    Questionnaire,
    Response,
    SortedBy,
    Survey,
    SurveyStatus,
    Topic,
)

ROUTES = {
    "waiting_time": "john",
    "staff_manner": "john",
    "delivery": "grace",
    "product_quality": "grace",
    "information": "alex",
    "pricing_billing": "alex",
    "website_systems": "sofia",
    "other": "sofia",
}
RATER_MARKER = "RATER survey"
NPS_MARKER = "Would you recommend us?"
CSAT_MARKER = "After closed cases"
SEED = 2026
NPS_DAYS_OPEN = 10  # the NPS survey opened this many days before the demo's day
# Of the comments on manner and waiting once she has started, those that name Mary, in turn.
ABOUT_MARY = (True, True, True, True, False)

# What customers said about Mary, in our own words (the seeds' manager saw her rude to
# customers, and letting the phone ring and then putting them on hold), by topic.
ABOUT_MARY_SAID = {
    "staff_manner": [
        "Mary was rude to me on the phone and argued instead of checking my order.",
        "The officer I spoke to, Mary, said I was being unreasonable. I only asked where my "
        "order was.",
        "Mary was short with me and cut me off before I had finished.",
        "Rang about a wrong delivery and Mary was dismissive; she made me feel like a nuisance.",
    ],
    "waiting_time": [
        "Mary let the phone ring out, then put me on hold for twenty minutes.",
        "Every time I rang, Mary answered and put me straight on hold. Not good enough.",
        "Left on hold by Mary for half an hour, then the call dropped.",
        "Mary put me on hold and never came back to the line.",
        "Waited on hold for 25 minutes after Mary picked up. Nobody came back.",
    ],
}


def rater_runs(story) -> list[tuple[str, date]]:
    """The two RATER runs of the story's year: (name, opening day)."""
    return [(f"{RATER_MARKER}, {opened:%B %Y}", opened) for opened in story.rater_runs]


# Mean perception per dimension in each run (expectations sit near 6.4 throughout).
PERCEPTION = {
    0: {
        "reliability": 5.1,
        "assurance": 5.6,
        "tangibles": 5.4,
        "empathy": 5.3,
        "responsiveness": 5.2,
    },
    1: {
        "reliability": 4.4,
        "assurance": 5.5,
        "tangibles": 5.5,
        "empathy": 4.9,
        "responsiveness": 4.3,
    },
}
WEIGHTS = {"reliability": 32, "responsiveness": 22, "assurance": 19, "empathy": 15, "tangibles": 12}


def seed(ctx) -> None:
    if ctx.organisation != "widgets":
        return
    staff = {u.username: u for u in User.objects.all()}
    if _routes(staff):
        ctx.say("Named the manager responsible for each feedback topic.")
    rnd = random.Random(SEED)
    story = demo_dates.current()
    history = (ctx.options or {}).get("history", True)
    # Enough customers for two surveys of 300 invitations, unless the caller asked for
    # synthetic customers of their own (benchmarks), which are then surveyed instead.
    if history and not (ctx.options or {}).get("customers") and _surveyable().count() < 300:
        from charter.customers.synthetic import make_customers

        made = make_customers(n=900, seed=SEED)
        ctx.say(f"Added {made} customers (small businesses and people) for the surveys.")
    customers = list(_surveyable()[:900])
    if not customers:
        return
    if history:
        made = _comments(rnd, customers, staff, story)
        if made:
            ctx.say(f"Received a year of {made:,} comments, sorted and routed.")
        if not Survey.objects.filter(name__startswith=RATER_MARKER).exists():
            for index, (name, opened) in enumerate(rater_runs(story)):
                answered = _servqual_run(rnd, index, name, opened, customers, staff)
                ctx.say(f"{name}: {answered} answers.")
        answered = _csat(rnd, story)
        if answered:
            ctx.say(f"Customers answered {answered} satisfaction surveys after closed cases.")
    link = _nps_open(rnd, customers, staff)
    if link:
        _write_survey_link(link)
        ctx.say(f"A customer's survey link: {link}")


def refresh(ctx) -> None:
    """The demo is already loaded (`make run` again, perhaps on another PORT): the survey
    link beside the logins is written again with the address Charter is now reached at."""
    if ctx.organisation != "widgets":
        return
    survey = Survey.objects.filter(name__startswith=NPS_MARKER).order_by("pk").first()
    invitation = survey and survey.invitations.filter(responded_at__isnull=True).first()
    if invitation:
        _write_survey_link(services.invitation_link(invitation))


def survey_link_file():
    """Beside the logins: var/demo-survey-link.txt (a test run's own file under tests)."""
    logins = settings.CHARTER_DEMO_LOGINS_FILE
    return logins.with_name(logins.name.replace("logins", "survey-link"))


def _write_survey_link(link: str) -> None:
    path = survey_link_file()
    path.write_text(f"A customer's private survey link (it works once): {link}\n")


def _surveyable():
    return (
        Customer.objects.filter(is_active=True, erased_at__isnull=True, consent_surveys=True)
        .exclude(email="")
        .order_by("pk")
    )


def _routes(staff) -> bool:
    changed = False
    for code, username in ROUTES.items():
        topic = Topic.objects.filter(code=code).first()
        person = staff.get(username)
        if topic is not None and person is not None and topic.responsible_id is None:
            topic.responsible = person
            topic.save(update_fields=["responsible"])
            changed = True
    return changed


def _moment(rnd, day: date) -> datetime:
    return timezone.make_aware(
        datetime.combine(day, time(8 + rnd.randint(0, 9), rnd.randint(0, 59)))
    )


def _comments(rnd, customers, staff, story) -> int:
    if Comment.objects.filter(source__in=[CommentSource.FORM, CommentSource.STAFF]).exists():
        return 0
    starter = list(starter_comments())
    by_topic: dict[str, list] = {}
    for row in starter:
        by_topic.setdefault(row.topic, []).append(row)
    today, now = story.today, timezone.now()
    officers = [staff[u] for u in ("mia", "jonas", "taya", "mary") if u in staff]
    comments = []
    about_mary_turns = itertools.cycle(ABOUT_MARY)
    day = story.history_start
    while day <= today:
        recent = day >= story.october
        weights = {
            "delivery": 9,
            "product_quality": 5,
            "staff_manner": 6 if recent else 2,
            "information": 3,
            "pricing_billing": 3,
            "website_systems": 2,
            "waiting_time": 9 if recent else 2,
            "other": 1,
        }
        for _ in range(rnd.choice((0, 1, 1, 2, 2, 3))):
            topic = rnd.choices(list(weights), list(weights.values()))[0]
            pool = by_topic.get(topic) or starter
            row = rnd.choice(pool)
            text, sentiment = row.comment, row.sentiment
            about_mary = (
                topic in ABOUT_MARY_SAID
                and story.on_duty(demo_dates.MARY, day)
                and next(about_mary_turns)
            )
            if about_mary:
                text, sentiment = rnd.choice(ABOUT_MARY_SAID[topic]), "negative"
            by_staff = rnd.random() < 0.3
            kind = (
                CommentKind.COMPLIMENT
                if sentiment == "positive"
                else CommentKind.SUGGESTION
                if rnd.random() < 0.15 and not about_mary
                else CommentKind.COMMENT
            )
            takers = [o for o in officers if not (about_mary and o.username == demo_dates.MARY)]
            at = _moment(rnd, day)
            if at > now:
                continue  # later today
            old = (today - day).days > 14
            comments.append(
                Comment(
                    kind=kind,
                    source=CommentSource.STAFF if by_staff else CommentSource.FORM,
                    channel="telephone" if by_staff else "web_form",
                    text=text,
                    rating=None
                    if by_staff
                    else {"positive": 5, "neutral": 3, "negative": rnd.choice((1, 2))}[sentiment],
                    customer=rnd.choice(customers) if rnd.random() < 0.7 else None,
                    entered_by=rnd.choice(takers) if by_staff and takers else None,
                    received_at=at,
                    status=CommentStatus.ACTIONED if old else CommentStatus.NEW,
                    acted_at=at + timedelta(days=3) if old else None,
                    action_taken="Discussed at the monthly meeting; the team was briefed."
                    if old
                    else "",
                )
            )
        day += timedelta(days=1)
    Comment.objects.bulk_create(comments, batch_size=500)
    _sort_quietly(list(Comment.objects.filter(sorted_by="")))
    return len(comments)


def _sort_quietly(comments: list[Comment]) -> None:
    """Sort and route the history without emailing anyone about the past."""
    topics = {
        t.code: t for t in Topic.objects.select_related("responsible", "responsible_team__lead")
    }
    route = services.comment_router()  # who was away on a comment's day reads the leave records
    results = services.categoriser().sort([c.text for c in comments])
    for comment, result in zip(comments, results, strict=True):
        topic = topics.get(result.topic) or topics.get("other")
        comment.topic = topic
        comment.topic_confidence = result.topic_confidence
        comment.dimension = result.dimension
        comment.dimension_confidence = result.dimension_confidence
        comment.sentiment = result.sentiment
        comment.sentiment_confidence = result.sentiment_confidence
        comment.sorted_by = SortedBy.MODEL
        comment.routed_to = route(topic, comment.received_at)
        if comment.status != CommentStatus.NEW:
            comment.acted_by = comment.routed_to
    Comment.objects.bulk_update(
        comments,
        [
            "topic",
            "topic_confidence",
            "dimension",
            "dimension_confidence",
            "sentiment",
            "sentiment_confidence",
            "sorted_by",
            "routed_to",
            "acted_by",
        ],
        batch_size=500,
    )


def _questionnaire(code: str) -> Questionnaire:
    return (
        Questionnaire.objects.filter(code=code, published_at__isnull=False)
        .order_by("-version")
        .first()
    )


def _clip(value: float, low: int = 1, high: int = 7) -> int:
    return max(low, min(high, round(value)))


def _servqual_run(rnd, index, name, opened, customers, staff) -> int:
    if Survey.objects.filter(name=name).exists():
        return 0
    questionnaire = _questionnaire("rater-servqual")
    survey = Survey.objects.create(
        name=name,
        questionnaire=questionnaire,
        status=SurveyStatus.CLOSED,
        population=Population.EVERYONE,
        responses_wanted=100,
        expected_response_rate=33.3,
        invitations_planned=300,
        incentive="a $20 credit on your account",
        opens_on=opened,
        closes_on=opened + timedelta(days=28),
        created_by=staff.get("sofia"),
        opened_at=_moment(rnd, opened),
        closed_at=_moment(rnd, opened + timedelta(days=28)),
        previous=Survey.objects.filter(questionnaire__code="rater-servqual").first(),
    )
    invited = rnd.sample(customers, min(len(customers), 300))
    invitations = services.invitations_create(survey, [(c.pk, c.email, None) for c in invited])
    sent = _moment(rnd, opened)
    Invitation.objects.filter(survey=survey).update(sent_at=sent)
    questions = list(Question.objects.filter(section__questionnaire=questionnaire))
    items = [q for q in questions if q.kind == "servqual"]
    points_q = next(q for q in questions if q.kind == "points")
    answered = rnd.sample(invitations, min(len(invitations), 96 + index * 9))
    answers = []
    for invitation in answered:
        at = _moment(rnd, opened + timedelta(days=rnd.randint(0, 20)))
        response = Response.objects.create(
            questionnaire=questionnaire,
            survey=survey,
            invitation=invitation,
            customer_id=invitation.customer_id,
            submitted_at=at,
        )
        invitation.responded_at = at
        for q in items:
            if rnd.random() < 0.03:
                continue  # skipped an item
            expectation = _clip(rnd.gauss(6.4, 0.6))
            perception = _clip(rnd.gauss(PERCEPTION[index][q.dimension], 1.0))
            answers.append(
                Answer(
                    response=response,
                    question=q,
                    role="servqual",
                    dimension=q.dimension,
                    expectation=expectation,
                    perception=perception,
                )
            )
        shares = {d: max(0, round(w + rnd.gauss(0, 5))) for d, w in WEIGHTS.items()}
        shares["reliability"] += 100 - sum(shares.values())
        if shares["reliability"] >= 0:
            answers.extend(
                Answer(response=response, question=points_q, role="weights", dimension=d, number=n)
                for d, n in shares.items()
            )
    Answer.objects.bulk_create(answers, batch_size=2000)
    Invitation.objects.bulk_update(answered, ["responded_at"])
    return len(answered)


def _csat(rnd, story) -> int:
    from charter.cases.models import Case

    if Survey.objects.filter(name__startswith=CSAT_MARKER).exists():
        return 0
    questionnaire = _questionnaire("case-csat")
    satisfaction = questionnaire.sections.first().questions.get(key="satisfaction")
    about_mary = []  # what Mary's unhappy customers said, with their response
    closed = list(
        Case.objects.filter(status="closed", customer__isnull=False)
        .select_related("owner")
        .order_by("closed_at")
    )
    surveys: dict[date, Survey] = {}
    answers = []
    answered = 0
    for case in closed:
        month = timezone.localtime(case.closed_at).date().replace(day=1)
        survey = surveys.get(month)
        if survey is None:
            last = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            survey = surveys[month] = Survey.objects.create(
                name=f"{CSAT_MARKER}, {month:%B %Y}",
                questionnaire=questionnaire,
                status=SurveyStatus.CLOSED,
                population=Population.CASES_CLOSED,
                period_start=month,
                period_end=last,
                responses_wanted=100,
                invitations_planned=0,
                opens_on=month,
                closes_on=last + timedelta(days=14),
            )
        if rnd.random() > 0.34:
            continue
        recent = month >= story.october
        marys = recent and case.owner is not None and case.owner.username == demo_dates.MARY
        weights = (1, 2, 2, 3, 3) if marys else (3, 4, 2, 1, 1) if recent else (6, 4, 1, 0.5, 0.3)
        score = rnd.choices((5, 4, 3, 2, 1), weights)[0]
        response = Response.objects.create(
            questionnaire=questionnaire,
            survey=survey,
            customer_id=case.customer_id,
            case=case,
            officer=case.owner,
            team=case.owner.team if case.owner else None,
            submitted_at=case.closed_at + timedelta(days=1),
        )
        answers.append(Answer(response=response, question=satisfaction, role="csat", number=score))
        answered += 1
        if marys and score <= 2 and rnd.random() < 0.6:
            topic = rnd.choice(list(ABOUT_MARY_SAID))
            about_mary.append((response, rnd.choice(ABOUT_MARY_SAID[topic])))
    Answer.objects.bulk_create(answers, batch_size=2000)
    _said_about_mary(about_mary, story)
    return answered


def _said_about_mary(said: list, story) -> None:
    """The CSAT comments of Mary's unhappy customers: a survey comment keeps its response,
    whose officer is Mary, and its case."""
    now, comments = timezone.now(), []
    for response, text in said:
        at = response.submitted_at
        if at > now:
            continue
        old = (story.today - timezone.localtime(at).date()).days > 14
        comments.append(
            Comment(
                kind=CommentKind.COMMENT,
                source=CommentSource.SURVEY,
                channel="web_form",
                text=text,
                customer_id=response.customer_id,
                response=response,
                case=response.case,
                received_at=at,
                status=CommentStatus.ACTIONED if old else CommentStatus.NEW,
                acted_at=at + timedelta(days=3) if old else None,
                action_taken="Discussed with the officer." if old else "",
            )
        )
    Comment.objects.bulk_create(comments, batch_size=500)
    _sort_quietly(list(Comment.objects.filter(sorted_by="", source=CommentSource.SURVEY)))


def _nps_open(rnd, customers, staff) -> str:
    """The NPS survey opened ten days ago, with its first answers (a few a day; the scores page
    shows them), and the link of an invitation not yet answered."""
    existing = Survey.objects.filter(name__startswith=NPS_MARKER).order_by("pk").first()
    if existing is not None:
        invitation = existing.invitations.filter(responded_at__isnull=True).first()
        return services.invitation_link(invitation) if invitation else ""
    now = timezone.now()
    opened = timezone.localdate() - timedelta(days=NPS_DAYS_OPEN)
    opened_at = min(_moment(rnd, opened), now)
    questionnaire = _questionnaire("nps")
    survey = Survey.objects.create(
        name=f"{NPS_MARKER} {opened:%B %Y}",
        questionnaire=questionnaire,
        status=SurveyStatus.OPEN,
        population=Population.EVERYONE,
        responses_wanted=30,
        expected_response_rate=33.3,
        invitations_planned=90,
        opens_on=opened,
        closes_on=opened + timedelta(days=30),
        created_by=staff.get("sofia"),
        opened_at=opened_at,
    )
    invited = [c for c in customers if c.email][:90]
    invitations = services.invitations_create(survey, [(c.pk, c.email, None) for c in invited])
    Invitation.objects.filter(survey=survey).update(sent_at=opened_at)
    _nps_answers(rnd, questionnaire, survey, invitations[1:], opened_at, now)
    return services.invitation_link(invitations[0]) if invitations else ""


def _nps_answers(rnd, questionnaire, survey, invitations, since, now) -> None:
    """About 26 of the invited have answered so far: after October's and November's troubles,
    about as many detractors as passives, and fewer promoters."""
    recommend = Question.objects.get(section__questionnaire=questionnaire, role="nps")
    answered = rnd.sample(invitations, min(len(invitations), 26))
    answers = []
    for invitation in answered:
        at = since + (now - since) * rnd.random()
        response = Response.objects.create(
            questionnaire=questionnaire,
            survey=survey,
            invitation=invitation,
            customer_id=invitation.customer_id,
            submitted_at=at,
        )
        invitation.responded_at = at
        score = rnd.choices(range(11), (2, 1, 2, 3, 3, 4, 6, 9, 10, 7, 5))[0]
        answers.append(Answer(response=response, question=recommend, role="nps", number=score))
    Answer.objects.bulk_create(answers)
    Invitation.objects.bulk_update(answered, ["responded_at"])
