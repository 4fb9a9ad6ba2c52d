"""Case pages: the queue, logging a contact (which may open a case), the case page with its
quick actions, and the complaints log. Thin: parse input, call a service or selector, render.

Each action on the case page is one POST to one service; with HTMX the action answers with the
refreshed case body, without it with a redirect. A refusal is shown as the service words it.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from charter.core.errors import DomainError
from charter.core.forms import form_problems, int_or_none
from charter.customers.selectors import customer_named, customer_search
from charter.orders import selectors as orders_selectors

from . import page_selectors, rules, selectors, services
from .forms import (
    CallbackForm,
    CaseContactForm,
    ClaimForm,
    ContactForm,
    EmailForm,
    EscalateForm,
    LogFilterForm,
    NoteForm,
    PauseForm,
    PlanForm,
    ResolutionForm,
    StepForm,
)
from .models import Category, EscalationLevel, ReplyTemplate, Situation

PAGE_SIZE = 50
VIEW = "cases.view_case"
CHANGE = "cases.change_case"
HISTORY_PANEL = 20  # the latest changes shown on the case page; its history page shows 50
# Whose cases, then which of them by the resolution promise; every count is of that set.
SCOPES = (("mine", "Mine"), ("open", "All open"))
DUE_FILTERS = (
    ("", "All of them"),
    ("past", "Resolution past due"),
    ("soon", "Resolution due soon"),
)
# Addresses from before the two were separate ("?show=overdue" was the whole queue's).
OLD_SHOWS = {"overdue": ("open", "past"), "due_soon": ("open", "soon")}


def _seconds(minutes) -> int | None:
    return None if minutes in (None, "") else int(Decimal(minutes) * 60)


# --- The queue --------------------------------------------------------------------------------
@login_required
@permission_required(VIEW, raise_exception=True)
def case_queue(request: HttpRequest) -> HttpResponse:
    """Open cases, what falls due first at the top, 50 a page in a fixed number of queries:
    mine or all, and of those, all or only those past or near their resolution promise."""
    user, now = request.user, timezone.now()
    show, due = request.GET.get("show", "mine"), request.GET.get("due", "")
    show, due = OLD_SHOWS.get(show, (show, due))
    if show not in dict(SCOPES):
        show = "mine"
    if due not in dict(DUE_FILTERS):
        due = ""
    warn_hours = services.case_settings().warn_hours_before
    warn = timedelta(hours=warn_hours)
    counts = selectors.queue_counts(user, now=now, warn=warn)
    cases = selectors.case_queue(user, mine=show == "mine")
    if due == "past":
        cases = cases.filter(selectors.past_due(now))
    elif due == "soon":
        cases = cases.filter(selectors.due_soon(now, warn))
    prefix = "mine_" if show == "mine" else ""
    of_scope = {
        "": counts["mine" if show == "mine" else "open"],
        "past": counts[f"{prefix}overdue"],
        "soon": counts[f"{prefix}due_soon"],
    }
    paginator = Paginator(cases, PAGE_SIZE)
    paginator.count = of_scope[due]
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "scopes": [(key, label, counts[key]) for key, label in SCOPES],
        "filters": [(key, label, of_scope[key]) for key, label in DUE_FILTERS],
        "show": show,
        "due": due,
        "warn_hours": warn_hours,
        "page": page,
        "rows": page_selectors.queue_rows(page.object_list, now=now, warn=warn),
        "query": f"show={show}&due={due}",
    }
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, "cases/_queue_rows.html" if partial else "cases/queue.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- Logging a contact ------------------------------------------------------------------------


@login_required
@permission_required("cases.add_contact", raise_exception=True)
def contact_new(request: HttpRequest) -> HttpResponse:
    """Log a contact: find the customer first (or log a member of the public), then what was
    said and whether it opens a case."""
    customer = customer_named(request.user, request.GET.get("customer"))
    public = request.GET.get("public") == "1"
    if customer is None and not public:
        query = request.GET.get("q", "")
        results = customer_search(request.user, query, limit=10) if query.strip() else []
        return render(request, "cases/pick_customer.html", {"q": query, "results": results})
    categories = list(selectors.categories())
    order_choices = []
    if customer is not None:
        order_choices = page_selectors.order_choices(request.user, customer)
    form = ContactForm(
        request.POST or None,
        categories=categories,
        order_choices=order_choices,
        initial={"channel": customer.preferred_channel if customer else "telephone"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = _log(request, customer, data, categories)
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            if case is None:
                messages.success(request, "Contact logged.")
                target = f"?customer={customer.pk}" if customer else "?public=1"
                return redirect(f"{request.path}{target}")
            messages.success(request, page_selectors.opened_message(case))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request, "cases/contact_new.html", {"form": form, "customer": customer, "public": public}
    )


def _log(request, customer, data, categories):
    """Log the contact and open its case in one transaction (a refused case logs nothing)."""
    from django.db import transaction

    with transaction.atomic():
        contact = services.contact_log(
            actor=request.user,
            channel=data["channel"],
            direction=data["direction"],
            summary=data["summary"] or data["subject"],
            customer=customer,
            public_name=data["public_name"],
            public_email=data["public_email"],
            public_phone=data["public_phone"],
            duration_seconds=_seconds(data["duration_minutes"]),
        )
        if not data["opens"]:
            return None
        category = next((c for c in categories if c.slug == data["category"]), None)
        chosen = {int(pk) for pk in data.get("orders") or []}
        orders = list(orders_selectors.orders_visible_to(request.user).filter(pk__in=chosen))
        return services.case_open(
            actor=request.user,
            kind=data["opens"],
            subject=data["subject"] or (data["summary"] or "")[:120],
            channel=data["channel"],
            customer=customer,
            public_name=data["public_name"],
            public_email=data["public_email"],
            public_phone=data["public_phone"],
            complainant_type=data["complainant_type"],
            directed_at=data["directed_at"],
            directed_at_detail=data["directed_at_detail"],
            category=category,
            severity=data["severity"],
            desired_outcome=data["desired_outcome"],
            description=data["summary"],
            involves_injury=data["involves_injury"],
            property_damage=data["property_damage"],
            not_covered=data["not_covered"],
            legal_threat=data["legal_threat"],
            competitor_threat=data["competitor_threat"],
            complex=data["complex"],
            orders=orders,
            contact=contact,
        )


# --- The case page ----------------------------------------------------------------------------
def _case(request, pk: int):
    case = selectors.case_detail(request.user, pk)
    if case is None:
        raise Http404("No such case.")
    return case


def _case_context(request, case) -> dict:
    user, now = request.user, timezone.now()
    can_change = user.has_perm(CHANGE) and case.is_open
    order_choices = [(str(o.pk), o.reference) for o in case.orders.all()]
    facts = services.facts_for(case)
    # On a manager's case someone else owns, the owner's work is refused: say so once, offer
    # what is left (notes, contacts, email, the first call-back time).
    owner_refusal = (
        rules.handling_refusal(services.hands_for(case, user), rules.OWNERS_WORK)
        if can_change
        else None
    )
    context = {
        "case": case,
        "can_change": can_change,
        "owner_refusal": owner_refusal,
        "deadlines": page_selectors.deadlines(case, now=now),
        "story": page_selectors.story(case),
        "next_steps": [
            (step, rules.STEP_LABELS[step].capitalize(), rules.step_refusal(facts, step))
            for step in rules.next_steps(case.kind, case.status)
        ]
        if can_change and not owner_refusal
        else [],
        "late_orders": {o.pk for o in case.orders.all() if o.is_late(now)},
        "is_manager": user.has_perm(services.MANAGE_COMPLEX),
    }
    if can_change:
        context.update(
            # Each action's address is used twice (action and hx-post) and a step's per step.
            action_urls={name: reverse("cases:action", args=[case.pk, name]) for name in ACTIONS},
            step_form=StepForm(prefix="step"),
            resolution_form=ResolutionForm(prefix="resolution", order_choices=order_choices),
            contact_form=CaseContactForm(
                prefix="contact",
                initial={
                    "channel": case.customer.preferred_channel if case.customer else case.channel
                },
            ),
            note_form=NoteForm(prefix="note"),
            pause_form=PauseForm(prefix="pause"),
            callback_form=CallbackForm(prefix="callback"),
            claim_form=ClaimForm(prefix="claim"),
        )
        addressee = selectors.reply_addressee(case) if user.has_perm("cases.add_contact") else None
        if addressee and addressee.email:
            context["email_form"] = EmailForm(prefix="email")
            known = addressee.name != rules.GREETING_FALLBACK
            context["email_to"] = (
                f"{addressee.name} <{addressee.email}>" if known else addressee.email
            )
        if user.has_perm("cases.escalate_case") and case.escalation != EscalationLevel.MANAGER:
            context["escalate_form"] = EscalateForm(
                prefix="escalate",
                initial={"to": "csm" if case.escalation else "supervisor"},
            )
        if context["is_manager"] and case.complex and not owner_refusal:
            context["plan_form"] = PlanForm(
                prefix="plan",
                initial={
                    "system_action": case.system_action,
                    "customer_action": case.customer_action,
                    "follow_up_due": case.follow_up_due,
                },
            )
    return context


@login_required
@permission_required(VIEW, raise_exception=True)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    context = _case_context(request, case)
    return render(request, "cases/detail.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def case_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's audit trail in words: its own page (the case page links to it), or the
    panel the case page fetches once it is scrolled to, so the page itself does not pay for
    naming every record its changes mention."""
    case = selectors.cases_visible_to(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404("No such case.")
    partial = request.htmx and not request.htmx.history_restore_request
    template = "cases/_history.html" if partial else "cases/history.html"
    response = render(request, template, {"case": case, "limit": HISTORY_PANEL if partial else 50})
    patch_vary_headers(response, ("HX-Request",))
    return response


def _step(request, case, data):
    done = services.case_step(
        actor=request.user,
        case=case,
        to=data["to"],
        note=data["note"],
        outcome=data["outcome"],
        referred_to=data["referred_to"],
    )
    return f"{done.reference} is now {rules.STEP_LABELS[done.status]}."


def _escalate(request, case, data):
    done = services.case_escalate(
        actor=request.user, case=case, to=data["to"], reason=data["reason"]
    )
    who = done.owner.get_full_name() if done.owner else done.get_escalation_display()
    return f"Escalated to {who}."


def _resolution(request, case, data):
    order = None
    if data["order"]:
        order = next((o for o in case.orders.all() if str(o.pk) == data["order"]), None)
    done = services.resolution_add(
        actor=request.user,
        case=case,
        kind=data["kind"],
        description=data["description"],
        amount=data["amount"],
        item_value=data["item_value"],
        order=order,
    )
    if done.status == "awaiting_approval":
        return (
            f"{done.get_kind_display()} recorded; it waits for approval by the "
            f"{done.approval.required_role} role."
        )
    return f"{done.get_kind_display()} recorded."


def _contact(request, case, data):
    services.contact_log(
        actor=request.user,
        case=case,
        channel=data["channel"],
        direction=data["direction"],
        summary=data["summary"],
        duration_seconds=_seconds(data["duration_minutes"]),
    )
    return "Contact logged on the case."


def _note(request, case, data):
    services.case_note(actor=request.user, case=case, text=data["text"])
    return "Note added."


def _pause(request, case, data):
    services.case_pause(actor=request.user, case=case, reason=data["reason"])
    return "The resolution clock is stopped while we wait for the customer."


def _resume(request, case, data):
    done = services.case_resume(actor=request.user, case=case)
    return (
        f"Resumed; resolution due {timezone.localtime(done.resolve_due):%a %d %b, %H:%M}."
        if done.resolve_due
        else "Resumed."
    )


def _callback(request, case, data):
    services.case_callback(actor=request.user, case=case, at=data["callback_at"])
    return "Call-back time recorded."


def _plan(request, case, data):
    services.case_plan(
        actor=request.user,
        case=case,
        system_action=data["system_action"],
        customer_action=data["customer_action"],
        follow_up_due=data["follow_up_due"],
    )
    return "The manager's plan is recorded."


def _claim(request, case, data):
    services.case_insurance_claim(actor=request.user, case=case, claim=data["claim"])
    return "Insurance claim recorded."


def _email(request, case, data):
    if request.POST.get("fill") and data["situation"]:
        # "Fill in" shows the approved wording filled from the case, to read before sending.
        subject, body, missing = services.reply_draft(
            actor=request.user, case=case, situation=data["situation"]
        )
        request.email_draft = {"situation": data["situation"], "subject": subject, "body": body}
        if missing:
            return "Filled in. Replace " + ", ".join(f"[{m}]" for m in missing) + " first."
        return "Filled in from the approved wording: read it, then send."
    services.email_send(
        actor=request.user,
        case=case,
        subject=data["subject"],
        body=data["body"],
        situation=data["situation"],
    )
    return "Email sent and logged on the case."


def _take(request, case, data):
    services.case_assign(actor=request.user, case=case, owner=request.user)
    return "The case is yours."


ACTIONS = {
    "step": (CHANGE, StepForm, _step),
    "escalate": ("cases.escalate_case", EscalateForm, _escalate),
    "resolution": (CHANGE, ResolutionForm, _resolution),
    "contact": ("cases.add_contact", CaseContactForm, _contact),
    "note": (CHANGE, NoteForm, _note),
    "pause": (CHANGE, PauseForm, _pause),
    "resume": (CHANGE, None, _resume),
    "callback": (CHANGE, CallbackForm, _callback),
    "plan": (services.MANAGE_COMPLEX, PlanForm, _plan),
    "claim": (CHANGE, ClaimForm, _claim),
    "take": (CHANGE, None, _take),
    "email": ("cases.add_contact", EmailForm, _email),
}


@login_required
@require_POST
@permission_required(VIEW, raise_exception=True)
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One quick action on the case page: one service; its refusal shown as it is worded."""
    if action not in ACTIONS:
        raise Http404("No such action.")
    permission, form_class, run = ACTIONS[action]
    if not request.user.has_perm(permission):
        raise PermissionDenied("Your role does not allow this.")
    case = _case(request, pk)
    data = {}
    problem = outcome = None
    if form_class is not None:
        kwargs = {}
        if form_class is ResolutionForm:
            kwargs["order_choices"] = [(str(o.pk), o.reference) for o in case.orders.all()]
        form = form_class(request.POST, prefix=action, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
        else:
            problem = f"Nothing was saved: {form_problems(form)}"
    if problem is None:
        try:
            outcome = run(request, case, data)
        except DomainError as error:
            problem = error.message
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, outcome)
    if request.htmx:
        fresh = _case(request, pk)
        context = _case_context(request, fresh)
        draft = getattr(request, "email_draft", None)
        if draft and "email_form" in context:
            context["email_form"] = EmailForm(prefix="email", initial=draft)
            context["email_open"] = True
        response = render(request, "cases/_case_body.html", context)
        response["HX-Retarget"] = "#case-body"
        return response
    return redirect("cases:detail", pk=case.pk)


# --- The complaints log -----------------------------------------------------------------------
@login_required
@permission_required(VIEW, raise_exception=True)
def complaints_log(request: HttpRequest) -> HttpResponse:
    """The log of the seeds: filter by period, category, channel, who made it, at whom it was
    directed and its step; with the analysis of complaint forms and counts over time."""
    categories = list(Category.objects.all())
    today = timezone.localdate()
    # The past twelve months, this one included: whole months, as the chart shows them.
    year_ago = (today.replace(day=1) - timedelta(days=330)).replace(day=1)
    initial = {"start": year_ago, "end": today, "kind": "complaint"}
    form = LogFilterForm(request.GET or None, categories=categories, initial=initial)
    filters = dict(initial)
    if request.GET and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items()}
    elif request.GET:
        messages.error(request, f"The filter was not applied: {form_problems(form)}")
    if not request.GET:
        form = LogFilterForm(initial=initial, categories=categories)
    counts = selectors.log_counts(request.user, **filters)
    cases = selectors.complaints_log(request.user, **filters)
    # The analysis has counted the rows already: the pager does not count them again.
    paginator = Paginator(cases, PAGE_SIZE)
    paginator.count = counts.total
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "analysis": page_selectors.log_analysis(counts, categories),
        "rows": page_selectors.log_rows(page.object_list),
    }
    return render(request, "cases/log.html", context)


@login_required
@permission_required("cases.view_email", raise_exception=True)
def mail_kept_aside(request: HttpRequest) -> HttpResponse:
    """Inbound mail that could not be filed, with the reason: a person reads it and logs it."""
    page = Paginator(selectors.quarantined_mail(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/mail_kept_aside.html", {"page": page})


@login_required
@permission_required("cases.view_email", raise_exception=True)
def mail_raw(request: HttpRequest, pk: int) -> HttpResponse:
    """A message exactly as it came, to open in a mail reader."""
    email = selectors.quarantined_mail().defer(None).filter(pk=pk).first()
    if email is None:
        raise Http404("No such message kept aside.")
    response = HttpResponse(bytes(email.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{email.pk}.eml"'
    return response


@login_required
@permission_required("cases.view_replytemplate", raise_exception=True)
def reply_wording(request: HttpRequest) -> HttpResponse:
    """The approved wording per situation and the versions waiting for approval; the customer
    service manager approves a version here."""
    if request.method == "POST":
        template = ReplyTemplate.objects.filter(
            pk=int_or_none(request.POST.get("template"))
        ).first()
        if template is None:
            raise Http404("No such wording.")
        try:
            services.reply_templates_approve(
                actor=request.user, templates=ReplyTemplate.objects.filter(pk=template.pk)
            )
        except DomainError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, f"{template} approved: replies now use it.")
        return redirect("cases:wording")
    versions = list(selectors.reply_wording())
    in_use: dict[str, int] = {}  # the newest approved version of each situation
    for version in versions:
        if version.approved_at and version.situation not in in_use:
            in_use[version.situation] = version.pk
    situations = [
        (label, [v for v in versions if v.situation == value]) for value, label in Situation.choices
    ]
    return render(
        request,
        "cases/wording.html",
        {
            "situations": situations,
            "in_use": set(in_use.values()),
            "placeholders": list(rules.PLACEHOLDERS.items()),
            "may_approve": request.user.has_perm("cases.approve_replytemplate"),
        },
    )
