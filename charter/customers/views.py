"""Customer and segment pages. Thin: parse input, call a service or selector, render.

Every page checks the reader's permission here and the services check it again for writes;
opening a customer's full record is logged for auditors.
"""

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

from charter.core.confirm import ask_to_confirm, is_confirmed, offer_undo, take_undo
from charter.core.errors import DomainError
from charter.core.timeline import timeline_for

from . import exports, privacy, rules, selectors, services
from .forms import (
    AddressForm,
    ConsentForm,
    ContactForm,
    CustomerFilterForm,
    CustomerForm,
    CustomerTypeForm,
    EraseForm,
    HoldingForm,
    ManagerForm,
    SegmentFeedbackForm,
    SegmentNoticeForm,
)
from .models import Address, Contact, Customer, CustomerType, Holding, HoldingStatus

PAGE_SIZES = (25, 50, 100, 200)


def _form_error(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", 50))
    except ValueError:
        return 50
    return size if size in PAGE_SIZES else 50


def _customer(request, pk: int) -> Customer:
    customer = selectors.customers_visible_to(request.user).filter(pk=pk).first()
    if customer is None:
        raise Http404("No such customer.")
    return customer


# --- Lists and search -------------------------------------------------------------------------
@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_list(request: HttpRequest) -> HttpResponse:
    form = CustomerFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        customers = Customer.objects.none()
    else:
        kwargs = form.selector_kwargs() if form.is_bound else {}
        customers = selectors.customer_list(request.user, **kwargs).order_by("name", "pk")
    if request.GET.get("format") == "csv":
        if not request.user.has_perm("customers.export_customer"):
            raise PermissionDenied("Your role does not allow exporting customers.")
        return exports.customers_csv_response(customers)
    page = Paginator(customers, _page_size(request)).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "customers/_list_rows.html" if request.htmx else "customers/list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "title": "Customers",
            "page_sizes": PAGE_SIZES,
            "assign_form": ManagerForm(prefix="assign")
            if request.user.has_perm("customers.assign_account_manager")
            else None,
        },
    )


@login_required
@require_POST
@permission_required("customers.assign_account_manager", raise_exception=True)
def customers_assign(request: HttpRequest) -> HttpResponse:
    """Give every customer matching the list's filters to one account manager."""
    filters = CustomerFilterForm(request.POST)
    form = ManagerForm(request.POST, prefix="assign")  # "manager" is also a filter
    if not (filters.is_valid() and form.is_valid()):
        messages.error(request, "Choose an account manager; nothing was changed.")
        return redirect("customers:list")
    customers = (
        selectors.customer_list(request.user, **filters.selector_kwargs())
        .select_related(None)
        .prefetch_related(None)
        .only("pk", "account_manager_id", "erased_at")
    )
    query = {k: v for k, v in request.POST.items() if k in filters.fields and v}
    back = f"{reverse('customers:list')}?{urlencode(query)}"
    if not is_confirmed(request):
        count = customers.count()
        who = form.cleaned_data["manager"] or "nobody"
        return ask_to_confirm(
            request,
            title=f"Give {count} customer{'s' if count != 1 else ''} to {who}?",
            consequences=[
                f"Every customer the list's filters match ({count}) will be managed by {who}.",
                "Their previous account managers stay in each customer's history.",
            ],
            confirm_label=f"Give {count} to {who}",
            cancel_url=back,
        )
    try:
        moved = services.account_manager_assign(
            actor=request.user,
            customers=customers,
            manager=form.cleaned_data["manager"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        who = form.cleaned_data["manager"] or "nobody"
        messages.success(request, f"{moved} customer{'s' if moved != 1 else ''} now with {who}.")
    return redirect(back)


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_search(request: HttpRequest) -> HttpResponse:
    """The quick search box (home page): the first matches as the person types."""
    query = request.GET.get("q", "")
    results = selectors.customer_search(request.user, query, limit=10)
    return render(
        request,
        "customers/_search_results.html",
        {"results": results, "q": query, "too_short": len(query.strip()) < 2},
    )


@login_required
@permission_required("customers.manage_accounts", raise_exception=True)
def my_customers(request: HttpRequest) -> HttpResponse:
    customers = selectors.my_customers(request.user).order_by("name", "pk")
    page = Paginator(customers, _page_size(request)).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/mine.html",
        {"page": page, "query": "", "title": "My customers"},
    )


# --- One customer -----------------------------------------------------------------------------
@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        customer = selectors.customer_detail(request.user, pk)
    except Customer.DoesNotExist as error:
        raise Http404("No such customer.") from error
    services.customer_viewed(user=request.user, customer=customer)
    perms = request.user
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "phone": rules.format_phone(customer.phone),
            "consents": selectors.current_consents(customer),
            "consent_history": list(selectors.consent_history(customer)[:20]),
            "timeline": timeline_for(customer.pk),
            "consent_form": ConsentForm() if perms.has_perm("customers.change_customer") else None,
            "manager_form": ManagerForm(initial={"manager": customer.account_manager})
            if perms.has_perm("customers.assign_account_manager")
            else None,
            "holding_form": HoldingForm() if perms.has_perm("customers.change_customer") else None,
            "notice_form": _segment_form(SegmentNoticeForm, customer)
            if perms.has_perm("customers.add_segmentnotice")
            else None,
            "feedback_form": _segment_form(SegmentFeedbackForm, customer)
            if perms.has_perm("customers.add_segmentfeedback")
            else None,
        },
    )


def _segment_form(form_class, customer: Customer, data=None):
    form = form_class(data, initial={"channel": customer.preferred_channel})
    form.fields["segment"].queryset = selectors.segments_of(customer)
    return form


@login_required
@permission_required("customers.add_customer", raise_exception=True)
def customer_new(request: HttpRequest) -> HttpResponse:
    from django.utils import timezone

    form = CustomerForm(
        request.POST or None,
        initial={"kind": "organisation", "customer_since": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        try:
            customer = services.customer_create(
                actor=request.user,
                customer_type=data.pop("customer_type"),
                kind=data.pop("kind"),
                **data,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"Customer {customer.reference} added.")
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/edit.html", {"form": form, "customer": None})


@login_required
@permission_required("customers.change_customer", raise_exception=True)
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    initial = {name: getattr(customer, name) for name in CustomerForm.base_fields}
    initial["phone"] = rules.format_phone(customer.phone)
    form = CustomerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(actor=request.user, customer=customer, **form.service_kwargs())
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Details saved; the change is in the record's history.")
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/edit.html", {"form": form, "customer": customer})


@login_required
@permission_required("customers.change_customer", raise_exception=True)
def contact_edit(request: HttpRequest, pk: int, contact_pk: int | None = None) -> HttpResponse:
    customer = _customer(request, pk)
    contact = get_object_or_404(Contact, pk=contact_pk, customer=customer) if contact_pk else None
    initial = {}
    if contact:
        initial = {f: getattr(contact, f) for f in ContactForm.base_fields}
        initial["phone"] = rules.format_phone(contact.phone)
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_save(
                actor=request.user, customer=customer, contact=contact, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Contact saved.")
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request,
        "customers/simple_form.html",
        {
            "form": form,
            "customer": customer,
            "title": "Edit contact" if contact else "Add a contact",
        },
    )


@login_required
@require_POST
@permission_required("customers.change_customer", raise_exception=True)
def contact_remove(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    contact = get_object_or_404(Contact, pk=contact_pk, customer=customer)
    if not is_confirmed(request):
        return ask_to_confirm(
            request,
            title=f"Remove {contact.name} from {customer.name}'s contacts?",
            consequences=[f"{contact.name} and their email and phone number are removed."],
            confirm_label="Remove the contact",
            cancel_url=reverse("customers:detail", args=[pk]),
            danger=True,
        )
    services.contact_remove(actor=request.user, contact=contact)
    messages.success(request, "Contact removed.")
    return redirect("customers:detail", pk=pk)


@login_required
@permission_required("customers.change_customer", raise_exception=True)
def address_edit(request: HttpRequest, pk: int, address_pk: int | None = None) -> HttpResponse:
    customer = _customer(request, pk)
    address = get_object_or_404(Address, pk=address_pk, customer=customer) if address_pk else None
    initial = {f: getattr(address, f) for f in AddressForm.base_fields} if address else {}
    form = AddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_save(
                actor=request.user, customer=customer, address=address, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Address saved.")
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request,
        "customers/simple_form.html",
        {
            "form": form,
            "customer": customer,
            "title": "Edit address" if address else "Add an address",
        },
    )


@login_required
@require_POST
@permission_required("customers.change_customer", raise_exception=True)
def address_remove(request: HttpRequest, pk: int, address_pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    address = get_object_or_404(Address, pk=address_pk, customer=customer)
    if not is_confirmed(request):
        return ask_to_confirm(
            request,
            title=f"Remove this address from {customer.name}'s record?",
            consequences=[
                f"{address.get_kind_display()}: {address.line1}, {address.locality} "
                f"{address.postcode} is removed."
            ],
            confirm_label="Remove the address",
            cancel_url=reverse("customers:detail", args=[pk]),
            danger=True,
        )
    services.address_remove(actor=request.user, address=address)
    messages.success(request, "Address removed.")
    return redirect("customers:detail", pk=pk)


def _post_action(request, pk: int, form, action, success: str) -> HttpResponse:
    """Run a small form posted from the customer page; errors come back as a message."""
    if not form.is_valid():
        problems = "; ".join(f"{e}" for errors in form.errors.values() for e in errors)
        messages.error(request, f"Nothing was saved: {problems}")
        return redirect("customers:detail", pk=pk)
    try:
        action(form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("customers:detail", pk=pk)


@login_required
@require_POST
@permission_required("customers.change_customer", raise_exception=True)
def consent_record(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    return _post_action(
        request,
        pk,
        ConsentForm(request.POST),
        lambda d: services.consent_record(actor=request.user, customer=customer, **d),
        "Consent recorded.",
    )


@login_required
@require_POST
@permission_required("customers.assign_account_manager", raise_exception=True)
def manager_assign(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    return _post_action(
        request,
        pk,
        ManagerForm(request.POST),
        lambda d: services.account_manager_assign(
            actor=request.user, customers=[customer], manager=d["manager"], reason=d["reason"]
        ),
        "Account manager changed; the previous one stays in the history.",
    )


@login_required
@require_POST
@permission_required("customers.change_customer", raise_exception=True)
def holding_add(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    return _post_action(
        request,
        pk,
        HoldingForm(request.POST),
        lambda d: services.holding_add(actor=request.user, customer=customer, **d),
        "Product recorded.",
    )


@login_required
@require_POST
@permission_required("customers.change_customer", raise_exception=True)
def holding_end(request: HttpRequest, pk: int, holding_pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    holding = get_object_or_404(
        Holding.objects.select_related("offering"), pk=holding_pk, customer=customer
    )
    before = {"status": holding.status, "ended_on": holding.ended_on}
    try:
        services.holding_end(
            actor=request.user, holding=holding, status=request.POST.get("status", "closed")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        # One click records it; the Undo that follows takes it back for a few minutes.
        offer_undo(
            request,
            kind="holding",
            label=f"{holding.offering}: {holding.get_status_display().lower()}.",
            url=reverse("customers:holding-undo", args=[pk, holding.pk]),
            data={
                "holding": holding.pk,
                "ended_as": holding.status,
                "status": before["status"],
                "ended_on": before["ended_on"].isoformat() if before["ended_on"] else None,
            },
        )
    return redirect("customers:detail", pk=pk)


@login_required
@require_POST
@permission_required("customers.change_customer", raise_exception=True)
def holding_undo(request: HttpRequest, pk: int, holding_pk: int) -> HttpResponse:
    from datetime import date

    customer = _customer(request, pk)
    holding = get_object_or_404(
        Holding.objects.select_related("offering"), pk=holding_pk, customer=customer
    )
    try:
        data = take_undo(request, kind="holding")
        if data["holding"] != holding.pk:
            raise DomainError("There is nothing of yours to undo here: change it back by hand.")
        services.holding_restore(
            actor=request.user,
            holding=holding,
            ended_as=data["ended_as"],
            status=data["status"],
            ended_on=date.fromisoformat(data["ended_on"]) if data["ended_on"] else None,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        label = HoldingStatus(data["status"]).label.lower()
        messages.success(request, f"Undone: {holding.offering} is {label} again.")
    return redirect("customers:detail", pk=pk)


@login_required
@require_POST
@permission_required("customers.add_segmentnotice", raise_exception=True)
def segment_notice_record(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    return _post_action(
        request,
        pk,
        _segment_form(SegmentNoticeForm, customer, request.POST),
        lambda d: services.segment_notice_record(actor=request.user, customer=customer, **d),
        "Recorded that the customer was told of their segment.",
    )


@login_required
@require_POST
@permission_required("customers.add_segmentfeedback", raise_exception=True)
def segment_feedback_record(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    return _post_action(
        request,
        pk,
        _segment_form(SegmentFeedbackForm, customer, request.POST),
        lambda d: services.segment_feedback_record(actor=request.user, customer=customer, **d),
        "Feedback on the segment recorded.",
    )


# --- Privacy ----------------------------------------------------------------------------------
@login_required
@permission_required("customers.export_customer", raise_exception=True)
def access_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about the customer, as JSON and CSV in one zip (APP 12)."""
    customer = _customer(request, pk)
    filename, content = privacy.access_request_fulfil(actor=request.user, customer=customer)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@permission_required("customers.erase_customer", raise_exception=True)
def customer_erase(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_erase(
                actor=request.user, customer=customer, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "The customer's personal data was erased.")
            return redirect("customers:detail", pk=pk)
    return render(request, "customers/erase.html", {"form": form, "customer": customer})


# --- Customer types ---------------------------------------------------------------------------
@login_required
@permission_required("customers.view_customertype", raise_exception=True)
def customer_types(request: HttpRequest) -> HttpResponse:
    return render(request, "customers/types.html", {"types": selectors.customer_types_overview()})


@login_required
def customer_type_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    customer_type = get_object_or_404(CustomerType, pk=pk) if pk else None
    needed = "customers.change_customertype" if pk else "customers.add_customertype"
    if not request.user.has_perm(needed):
        raise PermissionDenied("Your role does not allow editing customer types.")
    initial = {f: getattr(customer_type, f) for f in CustomerTypeForm.base_fields} if pk else {}
    form = CustomerTypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_type_save(
                actor=request.user, customer_type=customer_type, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Customer type saved.")
            return redirect("customers:types")
    return render(
        request,
        "customers/simple_form.html",
        {
            "form": form,
            "title": f"Edit {customer_type}" if customer_type else "New customer type",
            "back": reverse("customers:types"),
        },
    )
