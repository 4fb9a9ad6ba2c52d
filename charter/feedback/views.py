"""Feedback and survey pages. Public: the always-open feedback form and the private survey
link (no login, rate-limited, nothing about anyone but the person answering). Staff: the
comments routed to a manager, the monthly summary, topics and routing, surveys and scores."""

from __future__ import annotations

import io
from datetime import date

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from charter.accounts.models import Team
from charter.core.confirm import ask_to_confirm, is_confirmed
from charter.core.errors import DomainError
from charter.core.forms import form_problems, int_or_none
from charter.core.guards import require
from charter.core.links import absolute_url
from charter.customers.models import Segment
from charter.customers.selectors import customer_named, customer_search

from . import page_selectors, selectors, services
from .forms import (
    ActionForm,
    CorrectForm,
    FeedbackForm,
    FeedbackFormVersionForm,
    QuestionForm,
    StaffFeedbackForm,
    SurveyForm,
    TopicAddForm,
    TopicRouteForm,
)
from .models import (
    Comment,
    CommentStatus,
    FeedbackFormVersion,
    Question,
    Questionnaire,
    Survey,
    Topic,
)

PAGE_SIZE = 50
PUBLIC_RATE = "20/m"  # per address: plenty for people, little for a script


def _limited(request, group: str) -> bool:
    return is_ratelimited(
        request, group=group, key="ip", rate=PUBLIC_RATE, method="POST", increment=True
    )


def _too_many(request) -> HttpResponse:
    return render(request, "feedback/public_slow_down.html", status=429)


# --- Public: the feedback form ------------------------------------------------------------------
@never_cache
def feedback_form(request: HttpRequest) -> HttpResponse:
    version = page_selectors.feedback_form_version()
    form = FeedbackForm(request.POST or None)
    if version is not None:
        form.fields["rating"].label = version.rating_question
        if not version.ask_rating:
            del form.fields["rating"]
    extra = version.extra if version is not None and version.extra_id else None
    problems: dict[str, str] = {}
    if request.method == "POST":
        if _limited(request, "feedback-form"):
            return _too_many(request)
        answers = []
        if extra is not None:
            answers, problems = services.answers_check(services.questions_of(extra), request.POST)
        if form.is_valid() and not problems:
            data = form.cleaned_data
            if data["website"]:  # filled only by robots
                return render(request, "feedback/public_thanks.html", {"kind": data["kind"]})
            try:
                with transaction.atomic():
                    comment = services.feedback_give(
                        kind=data["kind"],
                        text=data["text"],
                        rating=data.get("rating"),
                        name=data["name"],
                        email=data["email"],
                        wants_reply=data["wants_reply"],
                    )
                    services.feedback_extra_answers(comment, answers)
            except DomainError as refused:
                form.add_error(refused.field if refused.field in form.fields else None, refused)
            else:
                return render(
                    request,
                    "feedback/public_thanks.html",
                    {"kind": comment.kind, "case": comment.case},
                )
    context = {"form": form, "version": version, "problems": problems}
    if extra is not None:
        context["extra"] = page_selectors.survey_page(extra, request.POST or None, problems)
    return render(request, "feedback/public_form.html", context)


# --- Public: a survey through a private link ----------------------------------------------------
@never_cache
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST" and _limited(request, "survey"):
        return _too_many(request)
    try:
        invitation = services.invitation_for(token)
    except services.TokenRefused as refused:
        status = 404 if refused.reason == "unknown" else 410
        return render(request, "feedback/public_refused.html", {"refused": refused}, status=status)
    questionnaire = invitation.survey.questionnaire
    problems: dict[str, str] = {}
    general = ""
    if request.method == "POST":
        try:
            services.response_submit(token=token, data=request.POST)
        except services.AnswerProblems as refused:
            problems = refused.problems
        except services.TokenRefused as refused:
            return render(request, "feedback/public_refused.html", {"refused": refused}, status=410)
        except DomainError as refused:
            general = refused.message
        else:
            return render(
                request, "feedback/public_survey_thanks.html", {"questionnaire": questionnaire}
            )
    else:
        services.invitation_opened(invitation)
    context = page_selectors.survey_page(questionnaire, request.POST or None, problems)
    context.update(survey=invitation.survey, general=general)
    return render(
        request,
        "feedback/public_survey.html",
        context,
        status=400 if (problems or general) else 200,
    )


# --- Staff: comments ----------------------------------------------------------------------------
@login_required
@permission_required("feedback.view_topic", raise_exception=True)
def inbox(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "mine")
    everything = request.user.has_perm("feedback.view_comment")
    if show == "all" and everything:
        comments = selectors.comments_for(request.user)
        topic = request.GET.get("topic")
        if topic:
            comments = comments.filter(topic__code=topic)
        sentiment = request.GET.get("sentiment")
        if sentiment:
            comments = comments.filter(sentiment=sentiment)
    else:
        show = "mine"
        comments = selectors.comments_for(request.user).filter(routed_to=request.user)
        if request.GET.get("status", "new") == "new":
            comments = comments.filter(status=CommentStatus.NEW)
    page = Paginator(comments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/inbox.html",
        {
            "page": page,
            "show": show,
            "everything": everything,
            "topics": Topic.objects.filter(is_active=True),
            "status": request.GET.get("status", "new"),
        },
    )


def _comment(request, pk: int) -> Comment:
    comment = selectors.comments_for(request.user).filter(pk=pk).first()
    if comment is None:
        raise Http404("No such comment, or it is not yours to see.")
    return comment


@login_required
@permission_required("feedback.view_topic", raise_exception=True)
def comment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request, pk)
    topics = Topic.objects.filter(is_active=True)
    correct = CorrectForm(
        initial={
            "topic": comment.topic.code if comment.topic_id else "",
            "dimension": comment.dimension,
            "sentiment": comment.sentiment,
        },
        topics=topics,
    )
    return render(
        request,
        "feedback/comment.html",
        {"comment": comment, "correct": correct, "action_form": ActionForm()},
    )


@require_POST
@login_required
@permission_required("feedback.view_topic", raise_exception=True)
def comment_act(request: HttpRequest, pk: int, act: str) -> HttpResponse:
    comment = _comment(request, pk)
    try:
        if act == "acknowledge":
            services.comment_acknowledge(actor=request.user, comment=comment)
            messages.success(request, "Acknowledged.")
        elif act == "open-case":
            case = services.comment_open_case(actor=request.user, comment=comment)
            messages.success(request, f"{case.reference} opened.")
        elif act == "action":
            form = ActionForm(request.POST)
            if not form.is_valid():
                raise DomainError(form_problems(form))
            services.comment_record_action(
                actor=request.user, comment=comment, action=form.cleaned_data["action"]
            )
            messages.success(request, "What was done is recorded.")
        elif act == "correct":
            form = CorrectForm(request.POST, topics=Topic.objects.filter(is_active=True))
            if not form.is_valid():
                raise DomainError(form_problems(form))
            services.comment_correct(
                actor=request.user,
                comment=comment,
                topic=Topic.objects.get(code=form.cleaned_data["topic"]),
                dimension=form.cleaned_data["dimension"],
                sentiment=form.cleaned_data["sentiment"],
            )
            messages.success(request, "Corrected: the categoriser learns from it.")
        else:
            raise Http404("No such action.")
    except DomainError as refused:
        messages.error(request, refused.message)
    return redirect("feedback:comment", pk=comment.pk)


@login_required
@permission_required("feedback.add_comment", raise_exception=True)
def feedback_enter(request: HttpRequest) -> HttpResponse:
    """Staff enter what came by phone, letter or in person."""
    customer = customer_named(request.user, request.GET.get("customer"))
    form = StaffFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            comment = services.feedback_give(
                actor=request.user,
                kind=data["kind"],
                text=data["text"],
                rating=data["rating"],
                name=data["name"],
                email=data["email"],
                wants_reply=data["wants_reply"],
                customer=customer,
                channel=data["channel"],
            )
        except DomainError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused)
        else:
            messages.success(
                request,
                f"Feedback recorded: {comment.topic or 'unsorted'}, "
                f"{comment.get_sentiment_display().lower()}"
                + (f"; {comment.case.reference} opened." if comment.case_id else "."),
            )
            return redirect("feedback:enter")
    query = request.GET.get("q", "")
    results = customer_search(request.user, query, limit=10) if query.strip() else []
    return render(
        request,
        "feedback/enter.html",
        {"form": form, "customer": customer, "q": query, "results": results},
    )


@login_required
@permission_required("feedback.view_comment", raise_exception=True)
def summary(request: HttpRequest) -> HttpResponse:
    month = page_selectors.month_from(request.GET.get("month"))
    return render(request, "feedback/summary.html", page_selectors.summary_page(month))


# --- Staff: topics and routing ------------------------------------------------------------------
@login_required
@permission_required("feedback.view_topic", raise_exception=True)
def topics(request: HttpRequest) -> HttpResponse:
    people = get_user_model().objects.filter(is_active=True).order_by("first_name", "username")
    teams = Team.objects.order_by("name")
    may_route = request.user.has_perm("feedback.route_topic")
    if request.method == "POST":
        if not may_route:
            messages.error(request, "Your role does not allow you to change the routing.")
            return redirect("feedback:topics")
        try:
            if request.POST.get("add"):
                form = TopicAddForm(request.POST)
                if not form.is_valid():
                    raise DomainError(form_problems(form))
                topic = services.topic_add(actor=request.user, **form.cleaned_data)
                messages.success(request, f"Topic {topic} added.")
            else:
                topic = Topic.objects.filter(pk=int_or_none(request.POST.get("topic"))).first()
                if topic is None:
                    raise Http404("No such topic.")
                form = TopicRouteForm(request.POST, people=people, teams=teams)
                if not form.is_valid():
                    raise DomainError(form_problems(form))
                services.topic_route(
                    actor=request.user,
                    topic=topic,
                    responsible=people.filter(
                        pk=int_or_none(form.cleaned_data["responsible"])
                    ).first(),
                    team=teams.filter(pk=int_or_none(form.cleaned_data["team"])).first(),
                )
                messages.success(request, f"{topic} now goes to its new owner.")
        except DomainError as refused:
            messages.error(request, refused.message)
        return redirect("feedback:topics")
    rows = [
        (
            topic,
            TopicRouteForm(
                initial={
                    "responsible": topic.responsible_id or "",
                    "team": topic.responsible_team_id or "",
                },
                people=people,
                teams=teams,
                prefix=f"t{topic.pk}",
            ),
        )
        for topic in selectors.routing_table()
    ]
    return render(
        request,
        "feedback/topics.html",
        {"rows": rows, "may_route": may_route, "add_form": TopicAddForm()},
    )


@login_required
@permission_required("feedback.view_comment", raise_exception=True)
def categoriser_quality(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/categoriser.html", page_selectors.categoriser_page())


# --- Staff: surveys and scores ------------------------------------------------------------------
@login_required
@permission_required("feedback.view_survey", raise_exception=True)
def surveys(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.surveys_overview(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/surveys.html",
        {"page": page, "questionnaires": selectors.questionnaires_current()},
    )


@login_required
@permission_required("feedback.add_survey", raise_exception=True)
def survey_new(request: HttpRequest) -> HttpResponse:
    questionnaires = Questionnaire.objects.filter(published_at__isnull=False).order_by(
        "title", "-version"
    )
    segments = Segment.objects.filter(is_active=True).order_by("name")
    today = timezone.localdate()
    form = SurveyForm(
        request.POST or None,
        questionnaires=questionnaires,
        segments=segments,
        initial={"opens_on": today, "closes_on": date.fromordinal(today.toordinal() + 28)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.survey_create(
                actor=request.user,
                name=data["name"],
                questionnaire=questionnaires.get(pk=data["questionnaire"]),
                population=data["population"],
                segment=segments.filter(pk=int_or_none(data["segment"])).first(),
                period_start=data["period_start"],
                period_end=data["period_end"],
                responses_wanted=data["responses_wanted"],
                margin_wanted=data["margin_wanted"],
                expected_response_rate=data["expected_response_rate"],
                invitations_planned=data["invitations_planned"],
                incentive=data["incentive"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                remind_after_days=data["remind_after_days"],
            )
        except DomainError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused)
        else:
            messages.success(
                request, f"{survey} planned: {survey.invitations_planned} invitations."
            )
            return redirect("feedback:survey", pk=survey.pk)
    return render(request, "feedback/survey_new.html", {"form": form})


@login_required
@permission_required("feedback.view_survey", raise_exception=True)
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = (
        Survey.objects.select_related("questionnaire", "segment", "previous").filter(pk=pk).first()
    )
    if survey is None:
        raise Http404("No such survey.")
    if request.method == "POST":
        act = request.POST.get("act")
        if act in ("open", "close") and not is_confirmed(request):
            try:
                require(request.user, "feedback.send_survey", "send surveys")
            except DomainError as refused:
                messages.error(request, refused.message)
                return redirect("feedback:survey", pk=survey.pk)
            return _ask_to_open_or_close(request, survey, act)
        try:
            if act == "open":
                services.survey_open(actor=request.user, survey=survey)
                messages.success(request, "Opened: the invitations are on their way.")
            elif act == "close":
                services.survey_close(actor=request.user, survey=survey)
                messages.success(request, "Closed: its links no longer take answers.")
        except DomainError as refused:
            messages.error(request, refused.message)
        return redirect("feedback:survey", pk=survey.pk)
    return render(request, "feedback/survey.html", page_selectors.survey_detail_page(survey))


def _ask_to_open_or_close(request: HttpRequest, survey, act: str) -> HttpResponse:
    """Opening emails the invitations at once; closing stops every link taking answers."""
    back = reverse("feedback:survey", args=[survey.pk])
    if act == "close":
        return ask_to_confirm(
            request,
            title=f"Close {survey}?",
            consequences=["Its links stop taking answers; a closed survey is not opened again."],
            confirm_label="Close it",
            cancel_url=back,
        )
    reachable = selectors.survey_population(survey).count()
    invited = min(reachable, survey.invitations_planned)
    return ask_to_confirm(
        request,
        title=f"Open {survey} and email the invitations?",
        consequences=[
            f"Opening it emails {invited} customer{'s' if invited != 1 else ''}, chosen at random "
            f"from the {reachable} in its population who have an email address and agreed to "
            "surveys. Emails cannot be taken back.",
        ],
        confirm_label=f"Open it and email {invited}",
        cancel_url=back,
    )


@login_required
@permission_required("feedback.view_response", raise_exception=True)
def scores(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/scores.html", page_selectors.scores_page(request.GET))


@login_required
@permission_required("feedback.view_questionnaire", raise_exception=True)
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = Questionnaire.objects.filter(pk=pk).first()
    if questionnaire is None:
        raise Http404("No such questionnaire.")
    if request.method == "POST":
        try:
            if request.POST.get("act") == "new-version":
                draft = services.questionnaire_new_version(
                    actor=request.user, questionnaire=questionnaire
                )
                messages.success(request, f"{draft} drafted: change it, then publish it.")
                return redirect("feedback:questionnaire", pk=draft.pk)
            if request.POST.get("act") == "publish":
                services.questionnaire_publish(actor=request.user, questionnaire=questionnaire)
                messages.success(request, f"{questionnaire} published.")
            if request.POST.get("act") == "add":
                form = QuestionForm(request.POST)
                if not form.is_valid():
                    raise DomainError(form_problems(form))
                data = form.cleaned_data
                question = services.question_add(
                    actor=request.user,
                    questionnaire=questionnaire,
                    **{**data, "choices": data["choices"].splitlines()},
                )
                messages.success(request, f"Added: {question}")
            if request.POST.get("act") in ("remove", "up"):
                question = Question.objects.filter(
                    pk=int_or_none(request.POST.get("question")),
                    section__questionnaire=questionnaire,
                ).first()
                if question is None:
                    raise Http404("No such question in this questionnaire.")
                if request.POST["act"] == "remove":
                    services.question_remove(actor=request.user, question=question)
                    messages.success(request, "Question removed.")
                else:
                    services.question_move_up(actor=request.user, question=question)
        except DomainError as refused:
            messages.error(request, refused.message)
        return redirect("feedback:questionnaire", pk=questionnaire.pk)
    context = page_selectors.survey_page(questionnaire, None, {})
    context["versions"] = Questionnaire.objects.filter(code=questionnaire.code)
    context["question_form"] = QuestionForm(
        initial={"section_title": questionnaire.sections.values_list("title", flat=True).last()}
    )
    context["problems_to_publish"] = (
        [] if questionnaire.published_at else services.questionnaire_check(questionnaire)
    )
    return render(request, "feedback/questionnaire.html", context)


@login_required
@permission_required("feedback.view_questionnaire", raise_exception=True)
def form_versions(request: HttpRequest) -> HttpResponse:
    """The feedback form's versions; a new one is published here after a review."""
    extras = Questionnaire.objects.filter(published_at__isnull=False).order_by("title", "-version")
    current = page_selectors.feedback_form_version()
    form = FeedbackFormVersionForm(
        request.POST or None,
        extras=extras,
        initial={
            "title": current.title if current else "Tell us how we did",
            "intro": current.intro if current else "",
            "ask_rating": current.ask_rating if current else True,
            "rating_question": current.rating_question if current else "",
            "extra": current.extra_id if current else "",
        },
    )
    if request.method == "POST" and not request.user.has_perm("feedback.change_questionnaire"):
        raise PermissionDenied("Your role does not allow you to change the feedback form.")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.feedback_form_revise(
                actor=request.user,
                title=data["title"],
                intro=data["intro"],
                ask_rating=data["ask_rating"],
                rating_question=data["rating_question"],
                extra=extras.filter(pk=int_or_none(data["extra"])).first(),
                change_note=data["change_note"],
            )
        except DomainError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused)
        else:
            messages.success(request, f"{version} published: the form asks it from now on.")
            return redirect("feedback:form-versions")
    return render(
        request,
        "feedback/form_versions.html",
        {
            "address": absolute_url(reverse("public:form")),
            "form": form,
            "versions": FeedbackFormVersion.objects.select_related("extra", "published_by"),
            "may_change": request.user.has_perm("feedback.change_questionnaire"),
        },
    )


@login_required
@permission_required("feedback.view_questionnaire", raise_exception=True)
def form_qr(request: HttpRequest) -> HttpResponse:
    """A QR code of the feedback form's address, to print on a counter card or an invoice."""
    address = absolute_url(reverse("public:form"))
    image = io.BytesIO()
    segno.make(address, error="m").save(
        image, kind="svg", scale=6, border=3, title=f"Feedback form: {address}"
    )
    response = HttpResponse(image.getvalue(), content_type="image/svg+xml")
    if request.GET.get("download"):
        response["Content-Disposition"] = 'attachment; filename="feedback-form-qr.svg"'
    return response
