"""Segment pages and the call list: defining segments, evaluating them, telling members of
their segment, and working through the customers to tell by telephone. Thin, as ``views``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from charter.core.confirm import ask_to_confirm, is_confirmed
from charter.core.errors import DomainError
from charter.core.forms import int_or_none

from . import rules, selectors, services
from .forms import CallDoneForm, ConditionFormSet, SegmentForm
from .models import CallOutcome, Segment

CALLS_PER_PAGE = 25


def _form_error(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@login_required
@permission_required("customers.view_segment", raise_exception=True)
def segments(request: HttpRequest) -> HttpResponse:
    labels = selectors.segment_choice_labels()
    rows = []
    for segment in selectors.segments_overview():
        rows.append((segment, _described(segment, labels)))
    return render(request, "customers/segments.html", {"rows": rows})


def _described(segment: Segment, labels) -> list[str]:
    try:
        return [
            rules.describe_condition(c, labels=labels)
            for c in rules.parse_conditions(segment.conditions)
        ]
    except DomainError as error:
        return [f"Cannot be read: {error.message}"]


@login_required
@permission_required("customers.view_segment", raise_exception=True)
def segment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_object_or_404(selectors.segments_overview(), pk=pk)
    can_see_people = selectors.can_view_customers(request.user)
    members = None
    if can_see_people:
        members = Paginator(
            selectors.segment_members(request.user, segment).order_by("name", "pk"), 25
        ).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/segment_detail.html",
        {
            "segment": segment,
            "conditions": _described(segment, selectors.segment_choice_labels()),
            "page": members,
            "query": "",
            "can_see_people": can_see_people,
            "evaluations": segment.evaluations.select_related("evaluated_by")[:5],
            "not_informed": selectors.members_not_informed(segment).count()
            if can_see_people
            else None,
            "to_call": selectors.call_list(request.user).filter(segment=segment).count()
            if can_see_people and request.user.has_perm("customers.add_segmentnotice")
            else None,
            "feedback": selectors.segment_feedback_report(segment),
            "changes": list(selectors.segment_membership_changes(segment)[:10])
            if can_see_people
            else [],
        },
    )


@login_required
def segment_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    segment = get_object_or_404(Segment, pk=pk) if pk else None
    needed = "customers.change_segment" if pk else "customers.add_segment"
    if not request.user.has_perm(needed):
        raise PermissionDenied("Your role does not allow defining segments.")
    initial = {}
    conditions_initial = []
    if segment:
        initial = {f: getattr(segment, f) for f in ("name", "description", "position")}
        initial["is_active"] = segment.is_active
        initial["offerings"] = list(segment.offerings.all())
        for c in segment.conditions:
            value = c["value"]
            conditions_initial.append(
                {
                    "attribute": c["attribute"],
                    "operator": c["operator"],
                    "value": ", ".join(value) if isinstance(value, list) else value,
                }
            )
    form = SegmentForm(request.POST or None, initial=initial)
    formset = ConditionFormSet(request.POST or None, initial=conditions_initial, prefix="condition")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        conditions = [c for c in (f.as_condition() for f in formset.forms) if c]
        try:
            saved = services.segment_save(
                actor=request.user, segment=segment, conditions=conditions, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"Segment {saved} saved. Evaluate it to update members.")
            return redirect("customers:segment", pk=saved.pk)
    return render(
        request,
        "customers/segment_edit.html",
        {
            "form": form,
            "formset": formset,
            "segment": segment,
            "attributes": rules.ATTRIBUTES,
            "operator_labels": rules.OPERATOR_LABELS,
            "choices": selectors.segment_choice_labels(),
        },
    )


@login_required
@require_POST
@permission_required("customers.evaluate_segment", raise_exception=True)
def segment_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_object_or_404(Segment, pk=pk)
    try:
        run = services.segment_evaluate(segment=segment, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{run.matched} members: {run.entered} entered, {run.left} left, "
            f"{run.offers_made} offers made.",
        )
    return redirect("customers:segment", pk=pk)


@login_required
@require_POST
@permission_required("customers.evaluate_segment", raise_exception=True)
def segments_evaluate(request: HttpRequest) -> HttpResponse:
    try:
        runs = services.segments_evaluate_all(actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        entered = sum(r.entered for r in runs)
        left = sum(r.left for r in runs)
        messages.success(
            request, f"{len(runs)} segments evaluated: {entered} entered, {left} left."
        )
    return redirect("customers:segments")


@login_required
@require_POST
@permission_required("customers.add_segmentnotice", raise_exception=True)
def segment_inform(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_object_or_404(Segment, pk=pk)
    if not is_confirmed(request):
        return _ask_to_inform(request, segment)
    try:
        counts = services.segment_inform(actor=request.user, segment=segment)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{counts['emailed']} emails queued, {counts['to_make']} to tell by phone, letter "
            f"or in person, {counts['skipped']} skipped (no consent to service contact).",
        )
    return redirect("customers:segment", pk=pk)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _ask_to_inform(request: HttpRequest, segment: Segment) -> HttpResponse:
    preview = selectors.segment_inform_preview(segment)
    consequences = []
    if preview["emailed"]:
        consequences.append(
            f"{_plural(preview['emailed'], 'email is', 'emails are')} sent now, telling each "
            f"customer they are in {segment.name}; an email cannot be taken back."
        )
    if preview["to_call"]:
        consequences.append(
            f"{_plural(preview['to_call'], 'customer goes', 'customers go')} on the call list "
            "for staff to telephone."
        )
    if preview["other"]:
        consequences.append(
            f"{_plural(preview['other'], 'customer is', 'customers are')} listed to tell by "
            "letter or in person."
        )
    if preview["skipped"]:
        consequences.append(
            f"{_plural(preview['skipped'], 'customer is', 'customers are')} skipped: no "
            "consent to service contact."
        )
    if not preview["total"]:
        consequences.append("Every member has already been told: nothing will be sent.")
    return ask_to_confirm(
        request,
        title=f"Tell {_plural(preview['total'], 'member', 'members')} of {segment.name}?",
        consequences=consequences,
        confirm_label=(
            f"Send {_plural(preview['emailed'], 'email', 'emails')}"
            + (" and list the rest" if preview["to_call"] + preview["other"] else "")
        )
        if preview["emailed"]
        else "List them for staff",
        cancel_url=reverse("customers:segment", args=[segment.pk]),
    )


# --- The call list -----------------------------------------------------------------------------
def _call_list_allowed(request: HttpRequest) -> None:
    if not selectors.can_view_customers(request.user):
        raise PermissionDenied("Your role does not allow reading customers' records.")


@login_required
@permission_required("customers.add_segmentnotice", raise_exception=True)
def call_list(request: HttpRequest) -> HttpResponse:
    """The customers to tell of their segment by telephone: name, whom to ask for, numbers.
    Staff work down it and mark each call done; showing it is logged as opening each record."""
    _call_list_allowed(request)
    done = request.GET.get("show") == "done"
    notices = selectors.call_list(request.user, done=done)
    segment = None
    segment_pk = int_or_none(request.GET.get("segment"))
    if segment_pk is not None:
        segment = Segment.objects.filter(pk=segment_pk).first()
        if segment is None:
            raise Http404("No such segment.")
        notices = notices.filter(segment=segment)
    page = Paginator(notices, CALLS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page)
    services.customers_listed(user=request.user, customers=[n.customer for n in rows])
    query = {"show": "done"} if done else {}
    if segment:
        query["segment"] = segment.pk
    return render(
        request,
        "customers/call_list.html",
        {
            "page": page,
            "rows": rows,
            "done": done,
            "segment": segment,
            "query": urlencode(query),
            "here": reverse("customers:to-call") + (f"?{urlencode(query)}" if query else ""),
            "outcomes": CallOutcome.choices,
        },
    )


@login_required
@require_POST
@permission_required("customers.add_segmentnotice", raise_exception=True)
def call_done(request: HttpRequest, pk: int) -> HttpResponse:
    _call_list_allowed(request)
    notice = selectors.call_notice(request.user, pk)
    if notice is None:
        raise Http404("No such call to make.")
    form = CallDoneForm(request.POST)
    back = request.POST.get("back", "")
    if not back.startswith(reverse("customers:to-call")):
        back = reverse("customers:to-call")
    if not form.is_valid():
        messages.error(request, f"{notice.customer.name}: say how the call went; nothing saved.")
        return redirect(back)
    try:
        notice = services.segment_call_done(actor=request.user, notice=notice, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, f"{notice.customer.name}: {error.message}")
    else:
        messages.success(
            request, f"{notice.customer.name}: {notice.get_outcome_display().lower()}. Done."
        )
    return redirect(back)
