"""Staff pages: home, staff directory, authority limits and approvals. Thin: parse, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from charter.core import home as home_panels
from charter.core.confirm import ask_to_confirm, is_confirmed
from charter.core.errors import DomainError

from . import rules, selectors, services
from .forms import (
    AbsenceForm,
    ApprovalRequestForm,
    AuthorityCheckForm,
    AuthorityLimitForm,
    DecisionForm,
    ReplacementReadingForm,
)
from .models import ApprovalStatus, AuthorityAction, AuthorityLimit, StaffAbsence, User
from .roles import SPECS_BY_CODE


def _form_error(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    codes = request.user.role_codes
    return render(
        request,
        "accounts/home.html",
        {
            "role_descriptions": [
                (SPECS_BY_CODE[code].code.label, SPECS_BY_CODE[code].description)
                for code in codes
                if code in SPECS_BY_CODE
            ],
            "panels": home_panels.panels_for(request.user),
        },
    )


@login_required
@permission_required("accounts.view_team", raise_exception=True)
def staff(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/staff.html", {"teams": selectors.staff_directory()})


@login_required
@permission_required("accounts.view_user", raise_exception=True)
def staff_member(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_member_page(request, _member(pk))


def _staff_member_page(request, member, *, form=None, status=200) -> HttpResponse:
    may_see_leave = request.user.has_perm("accounts.view_staffabsence")
    if form is None and request.user.has_perm("accounts.add_staffabsence"):
        form = AbsenceForm(stand_ins=selectors.stand_in_choices(member))
    return render(
        request,
        "accounts/staff_member.html",
        {
            "member": member,
            "limits": selectors.limits_for_user(member),
            "away": selectors.absence_on(member),
            "absences": list(selectors.absences_of(member)) if may_see_leave else None,
            "absence_form": form,
        },
        status=status,
    )


def _member(pk: int) -> User:
    try:
        return selectors.user_profile(pk)
    except User.DoesNotExist as error:
        raise Http404("No such member of staff.") from error


@login_required
@require_POST
@permission_required("accounts.add_staffabsence", raise_exception=True)
def absence_new(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(pk)
    form = AbsenceForm(request.POST, stand_ins=selectors.stand_in_choices(member))
    if form.is_valid():
        try:
            services.absence_record(actor=request.user, user=member, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"Leave recorded for {member}.")
            return redirect("accounts:staff-member", pk=member.pk)
    return _staff_member_page(request, member, form=form, status=400)


@login_required
@permission_required("accounts.change_staffabsence", raise_exception=True)
def absence_edit(request: HttpRequest, pk: int, absence_pk: int) -> HttpResponse:
    member = _member(pk)
    absence = get_object_or_404(StaffAbsence, pk=absence_pk, user=member)
    initial = {
        "starts_on": absence.starts_on,
        "ends_on": absence.ends_on,
        "reason": absence.reason,
        "stand_in": absence.stand_in_id,
        "note": absence.note,
    }
    form = AbsenceForm(
        request.POST or None, initial=initial, stand_ins=selectors.stand_in_choices(member)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.absence_update(actor=request.user, absence=absence, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"Leave changed for {member}.")
            return redirect("accounts:staff-member", pk=member.pk)
    return render(
        request,
        "accounts/absence_edit.html",
        {"member": member, "absence": absence, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
@permission_required("accounts.delete_staffabsence", raise_exception=True)
def absence_remove(request: HttpRequest, pk: int, absence_pk: int) -> HttpResponse:
    member = _member(pk)
    absence = get_object_or_404(StaffAbsence, pk=absence_pk, user=member)
    if not is_confirmed(request):
        return ask_to_confirm(
            request,
            title=f"Remove {member}'s leave?",
            consequences=[
                f"Their leave from {absence.starts_on:%-d %b %Y} to {absence.ends_on:%-d %b %Y} "
                "is deleted: their approvals and feedback go to them again on those days, not "
                "to whoever stands in."
            ],
            confirm_label="Remove the leave",
            cancel_url=reverse("accounts:staff-member", args=[member.pk]),
            danger=True,
        )
    services.absence_remove(actor=request.user, absence=absence)
    messages.success(request, f"Leave removed for {member}.")
    return redirect("accounts:staff-member", pk=member.pk)


@login_required
@permission_required("accounts.view_authoritylimit", raise_exception=True)
def authority(request: HttpRequest) -> HttpResponse:
    return _authority_page(request)


def _authority_page(request, *, reading_form=None, status=200) -> HttpResponse:
    reading = selectors.authority_settings()
    if reading_form is None and request.user.has_perm("accounts.change_authoritysettings"):
        on = reading.replacement_within_everyones_authority
        reading_form = ReplacementReadingForm(
            initial={"replacement_within_everyones_authority": "yes" if on else "no"}
        )
    return render(
        request,
        "accounts/authority.html",
        {
            "roles": selectors.roles_with_limits(),
            "check_form": AuthorityCheckForm(),
            "reading": reading,
            "reading_words": rules.replacement_reading(
                reading.replacement_within_everyones_authority
            ),
            "reading_form": reading_form,
        },
        status=status,
    )


@login_required
@require_POST
@permission_required("accounts.change_authoritysettings", raise_exception=True)
def authority_reading(request: HttpRequest) -> HttpResponse:
    """The manager chooses how complaints procedure step 6 is read (audited)."""
    form = ReplacementReadingForm(request.POST)
    if not form.is_valid():
        return _authority_page(request, reading_form=form, status=400)
    services.authority_settings_set(actor=request.user, **form.cleaned_data)
    messages.success(request, "Saved: " + rules.replacement_reading(
        form.cleaned_data["replacement_within_everyones_authority"]
    ))  # fmt: skip
    return redirect("accounts:authority")


@login_required
@permission_required("accounts.view_authoritylimit", raise_exception=True)
def authority_check(request: HttpRequest) -> HttpResponse:
    """The "may I?" check: answers live as the officer types (HTMX)."""
    form = AuthorityCheckForm(request.GET or None)
    decision = None
    if form.is_valid():
        decision = selectors.authority_check(
            actor=request.user,
            action=form.cleaned_data["action"],
            amount=form.cleaned_data["amount"],
            item_value=form.cleaned_data["item_value"],
        )
    return render(
        request, "accounts/_authority_decision.html", {"form": form, "decision": decision}
    )


@login_required
@permission_required("accounts.change_authoritylimit", raise_exception=True)
def authority_limit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    limit = get_object_or_404(AuthorityLimit.objects.select_related("role"), pk=pk)
    form = AuthorityLimitForm(request.POST or None, instance=limit)
    if request.method == "POST" and form.is_valid():
        try:
            services.authority_limit_set(
                actor=request.user, role=limit.role, action=limit.action, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"Saved: {limit}.")
            return redirect("accounts:authority")
    return render(request, "accounts/authority_limit_edit.html", {"form": form, "limit": limit})


@login_required
@permission_required("accounts.view_approvalrequest", raise_exception=True)
def approvals(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab") or (
        "waiting" if request.user.has_perm("accounts.decide_approvalrequest") else "mine"
    )
    if tab == "waiting":
        items = selectors.approvals_waiting_for(request.user)
    elif tab == "mine":
        items = selectors.approvals_requested_by(request.user).select_related("requested_by")
    else:
        tab = "all"
        items = selectors.approvals_visible_to(request.user)
        status = request.GET.get("status")
        if status in ApprovalStatus.values:
            items = items.filter(status=status)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/approvals.html",
        {
            "tab": tab,
            "page": page,
            "statuses": ApprovalStatus.choices,
            "status": request.GET.get("status", ""),
        },
    )


def _not_handled(user, action: str | None) -> str | None:
    """Why this user has no approval to ask for (their role handles none of it), or None."""
    handled = selectors.actions_handled_by(user)
    if not handled:
        nouns = [rules.ACTION_NOUNS[a] for a in AuthorityAction.values]
        return (
            f"Your role does not handle {', '.join(nouns[:-1])} or {nouns[-1]}, so it has no "
            "approval to ask for: pass the customer to a colleague whose role does."
        )
    if action in AuthorityAction.values and action not in handled:
        return rules.does_not_handle(action)
    return None


@login_required
@permission_required("accounts.add_approvalrequest", raise_exception=True)
def approval_new(request: HttpRequest) -> HttpResponse:
    initial = {key: request.GET.get(key) for key in ("action", "amount", "item_value")}
    form = ApprovalRequestForm(request.POST or None, initial=initial)
    refusal = _not_handled(request.user, request.POST.get("action") or initial["action"])
    if request.method == "POST" and form.is_valid():
        try:
            approval = services.approval_request_create(
                requested_by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                f"Request #{approval.pk} sent to the {approval.required_role} role for approval.",
            )
            return redirect("accounts:approval", pk=approval.pk)
    return render(request, "accounts/approval_new.html", {"form": form, "refusal": refusal})


def _visible_approval(request: HttpRequest, pk: int):
    approval = selectors.approvals_visible_to(request.user).filter(pk=pk).first()
    if approval is None:
        raise Http404("No such approval request, or it is not yours to see.")
    return approval


@login_required
@permission_required("accounts.view_approvalrequest", raise_exception=True)
def approval_detail(request: HttpRequest, pk: int) -> HttpResponse:
    approval = _visible_approval(request, pk)
    can_decide = (
        approval.status == ApprovalStatus.PENDING
        and approval.requested_by_id != request.user.pk
        and request.user.has_perm("accounts.decide_approvalrequest")
    )
    return render(
        request,
        "accounts/approval_detail.html",
        {"approval": approval, "form": DecisionForm(), "can_decide": can_decide},
    )


@login_required
@require_POST
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("accounts.decide_approvalrequest"):
        raise PermissionDenied("Your role may not approve or reject requests.")
    approval = _visible_approval(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            approval = services.approval_request_decide(
                approval=approval,
                approver=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, f"Request #{approval.pk} {approval.get_status_display().lower()}."
            )
            return redirect("accounts:approval", pk=approval.pk)
    return render(
        request,
        "accounts/approval_detail.html",
        {"approval": approval, "form": form, "can_decide": True},
        status=400,
    )


@login_required
@require_POST
def approval_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    approval = _visible_approval(request, pk)
    if approval.requested_by_id != request.user.pk:  # as the service says, before asking
        messages.error(request, "Only the person who asked may withdraw a request.")
        return redirect("accounts:approval", pk=approval.pk)
    if not is_confirmed(request):
        return ask_to_confirm(
            request,
            title=f"Withdraw request #{approval.pk}?",
            consequences=["It leaves the approvers' queue; a withdrawn request is not reopened."],
            confirm_label="Withdraw it",
            cancel_url=reverse("accounts:approval", args=[approval.pk]),
        )
    try:
        services.approval_request_withdraw(approval=approval, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Request #{approval.pk} withdrawn.")
    return redirect("accounts:approval", pk=approval.pk)
