"""Charter pages. The public charter needs no sign-in and shows only the approved version; the
staff pages browse every version and policy with its history, edit drafts, approve, compare
and acknowledge. Thin: parse input, call a service or selector, render."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from charter.core.confirm import is_confirmed
from charter.core.errors import DomainError
from charter.core.selectors import organisation_current, upcoming_closures

from . import rules, selectors, services
from .confirmations import ask_to_approve, ask_to_remove, ask_to_remove_part
from .forms import (
    ChannelForm,
    CharterTextForm,
    CompareForm,
    DraftForm,
    NeedForm,
    PolicyForm,
    PolicyTextForm,
    PromiseForm,
    StepForm,
)
from .models import (
    ChannelOffer,
    CustomerNeed,
    Policy,
    ProcedureStep,
    ServicePromise,
    VersionStatus,
)

VIEW_CHARTER = "standards.view_charterversion"
VIEW_POLICIES = "standards.view_policyversion"


def public_charter(request: HttpRequest) -> HttpResponse:
    version = selectors.current_version()
    if version is not None:
        version = selectors.charter_version(version.number)
    organisation = organisation_current()
    return render(
        request,
        "standards/public_charter.html",
        {
            "organisation": organisation,
            "service_hours": organisation.weekly_hours.text(),
            "closures": upcoming_closures() if version else [],
            "version": version,
            "promises": selectors.public_promises(version) if version else [],
        },
        status=200 if version else 404,
    )


def _form_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _refused(request, error: DomainError, back: str) -> HttpResponse:
    messages.error(request, error.message)
    return redirect(back)


# --- Overview and acknowledgements ----------------------------------------------------------


@login_required
@permission_required(VIEW_CHARTER, raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "standards/index.html",
        {
            "versions": list(selectors.charter_versions()),
            "policies": list(selectors.policies()),
            "outstanding": selectors.outstanding_for(request.user),
            "draft_form": DraftForm(),
        },
    )


@login_required
@permission_required("standards.view_acknowledgement", raise_exception=True)
def acknowledgement_report(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "standards/acknowledgements.html",
        {"report": selectors.acknowledgement_report()},
    )


# --- The charter ----------------------------------------------------------------------------


def _charter_version(number: int):
    version = selectors.charter_version(number)
    if version is None:
        raise Http404("There is no such version of the charter.")
    return version


@login_required
@permission_required(VIEW_CHARTER, raise_exception=True)
def charter_version(request: HttpRequest, number: int) -> HttpResponse:
    version = _charter_version(number)
    versions = selectors.charter_version_list()
    return render(
        request,
        "standards/charter_version.html",
        {
            "version": version,
            "versions": versions,
            "acknowledged": version.acknowledgements.filter(user=request.user).first(),
            "previous": next((v for v in versions if v.number < version.number), None),
            "can_edit": version.status == VersionStatus.DRAFT
            and request.user.has_perm("standards.change_charterversion"),
        },
    )


@login_required
@require_POST
def charter_draft(request: HttpRequest) -> HttpResponse:
    form = DraftForm(request.POST)
    form.is_valid()
    try:
        draft = services.charter_version_draft(
            actor=request.user, summary_of_changes=form.cleaned_data.get("summary_of_changes", "")
        )
    except DomainError as error:
        return _refused(request, error, reverse("standards:index"))
    messages.success(request, f"Version {draft.number} is a draft: change it, then approve it.")
    return redirect("standards:charter-version", draft.number)


@login_required
@permission_required("standards.change_charterversion", raise_exception=True)
def charter_edit(request: HttpRequest, number: int) -> HttpResponse:
    version = _charter_version(number)
    fields = ("vision", "mission", "welcome", "external_dispute_body", "summary_of_changes")
    form = CharterTextForm(request.POST or None, initial={f: getattr(version, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.charter_version_update(
                actor=request.user, version=version, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("standards:charter-version", number)
    return render(
        request,
        "standards/form.html",
        {
            "form": form,
            "title": f"Charter version {number}: vision, mission and welcome",
            "back": reverse("standards:charter-version", args=[number]),
        },
    )


def _edit_part(request, *, version, back, title, form_class, instance, initial, save):
    """One page for adding or changing a part of a draft (a promise, a need, a channel, a
    step): the form parses, ``save`` calls the service."""
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect(back)
    return render(request, "standards/form.html", {"form": form, "title": title, "back": back})


def _initial(instance, fields) -> dict:
    return {f: getattr(instance, f) for f in fields} if instance else {}


PROMISE_FORM_FIELDS = (
    "event", "target", "unit", "percent", "customer_type", "segment", "topic", "wording", "measure"
)  # fmt: skip


@login_required
@permission_required("standards.change_servicepromise", raise_exception=True)
def promise_edit(request: HttpRequest, number: int, pk: int | None = None) -> HttpResponse:
    version = _charter_version(number)
    promise = get_object_or_404(ServicePromise, pk=pk, version=version) if pk else None
    return _edit_part(
        request,
        version=version,
        back=reverse("standards:charter-version", args=[number]) + "#promises",
        title=f"{'Change' if promise else 'Add'} a promise (charter version {number})",
        form_class=PromiseForm,
        instance=promise,
        initial=_initial(promise, PROMISE_FORM_FIELDS),
        save=lambda data: services.promise_save(
            actor=request.user, version=version, promise=promise, **data
        ),
    )


@login_required
@permission_required("standards.change_charterversion", raise_exception=True)
def need_edit(request: HttpRequest, number: int, pk: int | None = None) -> HttpResponse:
    version = _charter_version(number)
    need = get_object_or_404(CustomerNeed, pk=pk, version=version) if pk else None
    return _edit_part(
        request,
        version=version,
        back=reverse("standards:charter-version", args=[number]) + "#needs",
        title=f"What a customer type needs (charter version {number})",
        form_class=NeedForm,
        instance=need,
        initial=_initial(need, ("customer_type", "needs", "communication")),
        save=lambda data: services.need_save(
            actor=request.user, version=version, need=need, **data
        ),
    )


@login_required
@permission_required("standards.change_charterversion", raise_exception=True)
def channel_edit(request: HttpRequest, number: int, pk: int | None = None) -> HttpResponse:
    version = _charter_version(number)
    offer = get_object_or_404(ChannelOffer, pk=pk, version=version) if pk else None
    return _edit_part(
        request,
        version=version,
        back=reverse("standards:charter-version", args=[number]) + "#channels",
        title=f"A channel we offer (charter version {number})",
        form_class=partial(ChannelForm, hours=offer.weekly_hours if offer else None),
        instance=offer,
        initial=_initial(offer, ("channel", "hours", "suited_to")),
        save=lambda data: services.channel_save(
            actor=request.user, version=version, offer=offer, **data
        ),
    )


@login_required
@require_POST
def charter_part_remove(request: HttpRequest, number: int, part: str, pk: int) -> HttpResponse:
    version = _charter_version(number)
    model = {"promises": ServicePromise, "needs": CustomerNeed, "channels": ChannelOffer}.get(part)
    if model is None:
        raise Http404("Nothing of that kind in a charter.")
    item = get_object_or_404(model, pk=pk, version=version)
    back = reverse("standards:charter-version", args=[number]) + f"#{part}"
    if not is_confirmed(request):
        return ask_to_remove_part(request, item, back=back)
    try:
        if model is ServicePromise:
            services.promise_remove(actor=request.user, promise=item)
        else:
            services.charter_part_remove(actor=request.user, part=item)
    except DomainError as error:
        return _refused(request, error, back)
    messages.success(request, "Removed from the draft.")
    return redirect(back)


@login_required
@require_POST
def charter_approve(request: HttpRequest, number: int) -> HttpResponse:
    version = _charter_version(number)
    if not is_confirmed(request):
        return ask_to_approve(
            request,
            version=version,
            permission="standards.approve_charterversion",
            doing="approve the charter",
            what="the charter",
            back=reverse("standards:charter-version", args=[number]),
        )
    try:
        services.charter_version_approve(actor=request.user, version=version)
    except DomainError as error:
        return _refused(request, error, reverse("standards:charter-version", args=[number]))
    messages.success(
        request,
        f"Version {number} is now the charter. Staff have been asked to read and acknowledge it.",
    )
    return redirect("standards:charter-version", number)


@login_required
@require_POST
def charter_acknowledge(request: HttpRequest, number: int) -> HttpResponse:
    version = _charter_version(number)
    try:
        services.charter_acknowledge(user=request.user, version=version)
    except DomainError as error:
        return _refused(request, error, reverse("standards:charter-version", args=[number]))
    messages.success(request, f"Thank you: you have acknowledged charter version {number}.")
    return redirect("standards:charter-version", number)


def _compare(request, *, numbers, load, snapshot, template_context):
    form = CompareForm(request.GET or None)
    comparison = old = new = None
    if form.is_bound and form.is_valid():
        a, b = sorted([form.cleaned_data["a"], form.cleaned_data["b"]])
        old, new = load(a), load(b)
        if old is None or new is None:
            form.add_error(None, "Choose two versions that exist.")
        else:
            comparison = rules.compare(snapshot(old), snapshot(new))
    return render(
        request,
        "standards/compare.html",
        {
            "form": form,
            "numbers": numbers,
            "comparison": comparison,
            "old": old,
            "new": new,
            **template_context,
        },
    )


@login_required
@permission_required(VIEW_CHARTER, raise_exception=True)
def charter_compare(request: HttpRequest) -> HttpResponse:
    return _compare(
        request,
        numbers=list(selectors.charter_versions().values_list("number", flat=True)),
        load=selectors.charter_version,
        snapshot=selectors.charter_snapshot,
        template_context={
            "title": "Compare versions of the charter",
            "back": reverse("standards:index"),
        },
    )


# --- Policies -------------------------------------------------------------------------------


def _policy(slug: str) -> Policy:
    return get_object_or_404(Policy.objects.prefetch_related("teams"), slug=slug)


def _policy_version(policy: Policy, number: int):
    version = selectors.policy_version(policy, number)
    if version is None:
        raise Http404("There is no such version of this policy.")
    return version


@login_required
@permission_required(VIEW_POLICIES, raise_exception=True)
def policy_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A policy opens at its current version (or its newest draft before the first approval)."""
    policy = _policy(slug)
    version = policy.versions.order_by("-status", "-number").filter(status="approved").first()
    version = version or policy.versions.order_by("-number").first()
    if version is None:
        return render(
            request,
            "standards/policy_empty.html",
            {"policy": policy, "draft_form": DraftForm()},
        )
    return redirect("standards:policy-version", slug, version.number)


@login_required
@permission_required("standards.add_policy", raise_exception=True)
def policy_new(request: HttpRequest) -> HttpResponse:
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Policy created: draft its first version.")
            return redirect("standards:policy", policy.slug)
    return render(
        request,
        "standards/form.html",
        {"form": form, "title": "A new policy", "back": reverse("standards:index")},
    )


@login_required
@permission_required("standards.change_policy", raise_exception=True)
def policy_settings(request: HttpRequest, slug: str) -> HttpResponse:
    policy = _policy(slug)
    form = PolicyForm(
        request.POST or None,
        initial={"title": policy.title, "slug": policy.slug, "teams": list(policy.teams.all())},
    )
    form.fields["slug"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(
                actor=request.user,
                policy=policy,
                title=form.cleaned_data["title"],
                teams=form.cleaned_data["teams"],
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("standards:policy", slug)
    return render(
        request,
        "standards/form.html",
        {"form": form, "title": f"{policy.title}: title and who must read it",
         "back": reverse("standards:policy", args=[slug])},
    )  # fmt: skip


@login_required
@permission_required(VIEW_POLICIES, raise_exception=True)
def policy_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    policy = _policy(slug)
    version = _policy_version(policy, number)
    versions = list(policy.versions.select_related("approved_by").order_by("-number"))
    return render(
        request,
        "standards/policy_version.html",
        {
            "policy": policy,
            "version": version,
            "procedures": selectors.procedures(version),
            "versions": versions,
            "acknowledged": version.acknowledgements.filter(user=request.user).first(),
            "previous": next((v for v in versions if v.number < version.number), None),
            "draft_form": DraftForm(),
            "can_edit": version.status == VersionStatus.DRAFT
            and request.user.has_perm("standards.change_policyversion"),
            "has_draft": any(v.status == VersionStatus.DRAFT for v in versions),
            "replacement_reading": selectors.replacement_reading(),
        },
    )


@login_required
@require_POST
def policy_draft(request: HttpRequest, slug: str) -> HttpResponse:
    policy = _policy(slug)
    form = DraftForm(request.POST)
    form.is_valid()
    try:
        draft = services.policy_version_draft(
            actor=request.user,
            policy=policy,
            summary_of_changes=form.cleaned_data.get("summary_of_changes", ""),
        )
    except DomainError as error:
        return _refused(request, error, reverse("standards:policy", args=[slug]))
    messages.success(request, f"Version {draft.number} is a draft: change it, then approve it.")
    return redirect("standards:policy-version", slug, draft.number)


@login_required
@permission_required("standards.change_policyversion", raise_exception=True)
def policy_version_edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    policy = _policy(slug)
    version = _policy_version(policy, number)
    fields = ("purpose", "scope", "resources", "responsibility", "legislation",
              "summary_of_changes", "authorised_by_name")  # fmt: skip
    initial = {f: getattr(version, f) for f in fields}
    if version.authorised_on:
        initial["authorised_on"] = f"{version.authorised_on:%m/%Y}"
    form = PolicyTextForm(request.POST or None, initial=initial)
    back = reverse("standards:policy-version", args=[slug, number])
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_version_update(actor=request.user, version=version, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect(back)
    return render(
        request,
        "standards/form.html",
        {"form": form, "title": f"{policy.title}, version {number}", "back": back},
    )


STEP_FORM_FIELDS = ("procedure", "number", "text", "authority_limit", "refer_to_role", "form_name")


@login_required
@permission_required("standards.change_policyversion", raise_exception=True)
def step_edit(request: HttpRequest, slug: str, number: int, pk: int | None = None):
    policy = _policy(slug)
    version = _policy_version(policy, number)
    step = get_object_or_404(ProcedureStep, pk=pk, version=version) if pk else None
    initial = _initial(step, STEP_FORM_FIELDS)
    if step is None:
        last = version.steps.order_by("-procedure", "-number").first()
        if last:
            initial = {"procedure": last.procedure, "number": last.number + 1}
    return _edit_part(
        request,
        version=version,
        back=reverse("standards:policy-version", args=[slug, number]) + "#steps",
        title=f"{'Change' if step else 'Add'} a step ({policy.title}, version {number})",
        form_class=StepForm,
        instance=step,
        initial=initial,
        save=lambda data: services.step_save(
            actor=request.user, version=version, step=step, **data
        ),
    )


@login_required
@require_POST
def step_remove(request: HttpRequest, slug: str, number: int, pk: int) -> HttpResponse:
    policy = _policy(slug)
    version = _policy_version(policy, number)
    step = get_object_or_404(ProcedureStep, pk=pk, version=version)
    back = reverse("standards:policy-version", args=[slug, number]) + "#steps"
    if not is_confirmed(request):
        return ask_to_remove(
            request,
            permission="standards.change_policyversion",
            doing="edit policies",
            version=version,
            what=f"step {step.number} of {policy.title}",
            back=back,
        )
    try:
        services.step_remove(actor=request.user, step=step)
    except DomainError as error:
        return _refused(request, error, back)
    messages.success(request, "Step removed from the draft.")
    return redirect(back)


@login_required
@require_POST
def policy_approve(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    policy = _policy(slug)
    version = _policy_version(policy, number)
    back = reverse("standards:policy-version", args=[slug, number])
    if not is_confirmed(request):
        return ask_to_approve(
            request,
            version=version,
            permission="standards.approve_policy",
            doing="approve policies",
            what=policy.title,
            back=back,
        )
    try:
        services.policy_version_approve(actor=request.user, version=version)
    except DomainError as error:
        return _refused(request, error, back)
    messages.success(
        request,
        f"Version {number} of {policy.title} is now in force. The staff it applies to have "
        "been asked to read and acknowledge it.",
    )
    return redirect(back)


@login_required
@require_POST
def policy_acknowledge(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    policy = _policy(slug)
    version = _policy_version(policy, number)
    back = reverse("standards:policy-version", args=[slug, number])
    try:
        services.policy_acknowledge(user=request.user, version=version)
    except DomainError as error:
        return _refused(request, error, back)
    messages.success(request, f"Thank you: you have acknowledged {policy.title}.")
    return redirect(back)


@login_required
@permission_required(VIEW_POLICIES, raise_exception=True)
def policy_compare(request: HttpRequest, slug: str) -> HttpResponse:
    policy = _policy(slug)
    return _compare(
        request,
        numbers=list(policy.versions.order_by("-number").values_list("number", flat=True)),
        load=lambda n: selectors.policy_version(policy, n),
        snapshot=selectors.policy_snapshot,
        template_context={
            "title": f"Compare versions of {policy.title}",
            "back": reverse("standards:policy", args=[slug]),
            "policy": policy,
        },
    )
