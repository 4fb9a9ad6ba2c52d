"""Order, return, warranty, quality and product pages. Thin: parse input, call a service or
selector, render.

Every page checks the reader's permission here and the services check it again for writes. A
service's refusal (a step out of order, a missing carrier, an amount above the officer's
authority) is shown to the person as it is: a form error or a message, never a 500.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from charter.accounts.models import ApprovalRequest
from charter.core.errors import DomainError
from charter.core.selectors import business_calendar
from charter.customers.models import Customer
from charter.customers.selectors import customer_named, customer_search
from charter.standards.selectors import NoPromise, promise_for

from . import page_selectors, rules, selectors, services
from .forms import (
    CancelForm,
    ClaimDecisionForm,
    ClaimForm,
    CoverageForm,
    CustomerPickForm,
    DeliveredFormSet,
    DispatchForm,
    OrderForm,
    OrderLineFormSet,
    QualityForm,
    ReorderForm,
    ReplaceForm,
    ResolveForm,
    ReturnFilterForm,
    ReturnForm,
    TellForm,
    WarrantyFilterForm,
    WarrantyForm,
    form_problems,
    order_options,
    product_options,
)
from .models import (
    OPEN_STATUSES,
    OrderChannel,
    OrderStatus,
    ReturnOutcome,
    ReturnStatus,
    WarrantyClaim,
)
from .rules import overdue_words

PAGE_SIZE = 50
VIEW_ORDERS = "orders.view_order"
CHANGE_ORDERS = "orders.change_order"

TABS = (
    ("late", "Late"),
    ("due", "Due in the next day"),
    ("wrong", "Wrong deliveries"),
    ("all", "All"),
)


def _form_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _customer_picker(request, *, title: str, lede: str) -> HttpResponse:
    """First step of a form for one customer: find them, then come back with ``?customer=``."""
    form = CustomerPickForm(request.GET or None)
    query = request.GET.get("q", "")
    results = customer_search(request.user, query, limit=10) if query.strip() else []
    return render(
        request,
        "orders/pick_customer.html",
        {"form": form, "results": results, "q": query, "title": title, "lede": lede},
    )


def _late_rows(orders, now) -> list[tuple]:
    """Each order with how late it is, in business terms (the calendar is read once)."""
    calendar = business_calendar()
    return [
        (order, overdue_words(order.promised_by, now, calendar) if order.is_late(now) else "")
        for order in orders
    ]


# --- The order queue ----------------------------------------------------------------------------
@login_required
@permission_required(VIEW_ORDERS, raise_exception=True)
def order_queue(request: HttpRequest) -> HttpResponse:
    """Late (the default), due in the next day, wrong deliveries, or all orders; 50 a page in
    a fixed number of queries."""
    user, now = request.user, timezone.now()
    show = request.GET.get("show", "late")
    if show not in dict(TABS):
        show = "late"
    customer = customer_named(request.user, request.GET.get("customer")) if show == "all" else None
    if show == "late":
        orders = selectors.late_orders(user, now=now)
    elif show == "due":
        orders = selectors.due_soon(user, now=now)
    elif show == "wrong":
        orders = selectors.wrong_deliveries(user)
    elif customer is not None:
        orders = selectors.customer_orders(user, customer)
    else:
        orders = selectors.recent_orders(user)
    counts = selectors.order_counts(user, now=now)
    paginator = Paginator(orders, PAGE_SIZE)
    if show in ("late", "wrong", "due"):
        paginator.count = counts[show]  # already counted for the tabs: not twice
    page = paginator.get_page(request.GET.get("page"))
    query = f"show={show}" + (f"&customer={customer.pk}" if customer else "")
    context = {
        "tabs": [(key, label, counts.get(key)) for key, label in TABS],
        "show": show,
        "show_label": dict(TABS)[show],
        "page": page,
        "rows": page_selectors.queue_rows(
            page.object_list,
            now=now,
            show=show,
            may_see_customers=user.has_perm("customers.view_customer"),
        ),
        "query": query,
        "customer": customer,
        "now": now,
    }
    # A tab or page changed in place gets the rows; a history restore gets the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(
        request, "orders/_queue_rows.html" if partial else "orders/queue.html", context
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- One order ----------------------------------------------------------------------------------
def _order(request, pk: int):
    order = selectors.order_detail(request.user, pk)
    if order is None:
        raise Http404("No such order.")
    return order


def _product_options(**kwargs):
    return product_options(page_selectors.product_choices(**kwargs))


@login_required
@permission_required(VIEW_ORDERS, raise_exception=True)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    now = timezone.now()
    user = request.user
    can_change = user.has_perm(CHANGE_ORDERS) and order.status != OrderStatus.CANCELLED
    is_open = order.status in OPEN_STATUSES
    lines = list(order.lines.all())
    policy = page_selectors.returns_policy_figures()
    context = {
        "order": order,
        "lines": lines,
        "late": order.is_late(now),
        "overdue": _late_rows([order], now)[0][1],
        "approvals": page_selectors.order_approvals(order),
        "can_change": can_change,
        "can_place": user.has_perm("orders.add_order"),
        "is_open": is_open,
        "policy": policy,
    }
    if can_change and is_open:
        context["cancel_fee"] = rules.cancellation_fee(
            status=order.status,
            total=order.total,
            percent=policy.cancellation_fee_percent,
            cap=policy.cancellation_fee_cap,
        )
        context["cancel_form"] = CancelForm(prefix="cancel")
        if order.status in (OrderStatus.CONFIRMED, OrderStatus.DISPATCHED):
            context["delivered_formset"] = DeliveredFormSet(
                prefix="delivered",
                initial=[{"product": str(x.product_id), "quantity": x.quantity} for x in lines],
                form_kwargs={"product_choices": _product_options(active_only=False)},
            )
        if order.status == OrderStatus.CONFIRMED:
            context["dispatch_form"] = DispatchForm(prefix="dispatch")
    if user.has_perm(CHANGE_ORDERS):
        context["tell_form"] = TellForm(
            prefix="tell", initial={"channel": order.customer.preferred_channel}
        )
    if context["can_place"]:
        context["reorder_form"] = ReorderForm(prefix="reorder")
        if order.status != OrderStatus.CANCELLED:
            context["replace_form"] = ReplaceForm(prefix="replace")
    return render(request, "orders/detail.html", context)


def _promised(order) -> str:
    return f"{timezone.localtime(order.promised_by):%A %d %B %Y, %H:%M}"


# Each step: the permission it needs, its form (prefixed by the step's name) and what it does.
# The action returns the message to show, or a response (a new order: go to it).
def _confirm(request, order, data):
    services.order_confirm(actor=request.user, order=order)
    return "Order confirmed."


def _dispatch(request, order, data):
    done = services.order_dispatch(
        actor=request.user,
        order=order,
        carrier=data["carrier"],
        tracking_reference=data["tracking_reference"],
        outsourced=data["outsourced"],
    )
    return f"Dispatched with {done.carrier}."


def _cancel(request, order, data):
    done = services.order_cancel(actor=request.user, order=order, reason=data["reason"])
    return f"Order cancelled; cancellation fee {done.cancellation_fee} {done.currency}."


def _tell(request, order, data):
    services.order_tell_customer(
        actor=request.user, order=order, channel=data["channel"], text=data["text"]
    )
    return "Recorded what the customer was told."


def _reorder(request, order, data):
    new = services.order_reorder(actor=request.user, order=order, expedite=data["expedite"])
    messages.success(
        request, f"Reordered as {new.reference}; delivery promised by {_promised(new)}."
    )
    return redirect("orders:detail", pk=new.pk)


def _replace(request, order, data):
    result = services.order_replace(
        actor=request.user, order=order, expedite=data["expedite"], reason=data["reason"]
    )
    if isinstance(result, ApprovalRequest):
        messages.warning(
            request,
            f"The replacement waits for approval by the {result.required_role} role "
            f"(request #{result.pk}); it is placed when approved.",
        )
        return redirect("orders:detail", pk=order.pk)
    messages.success(
        request,
        f"Replacement {result.reference} placed at our cost; delivery promised by "
        f"{_promised(result)}.",
    )
    return redirect("orders:detail", pk=result.pk)


STEPS = {
    "confirm": (CHANGE_ORDERS, None, _confirm),
    "dispatch": (CHANGE_ORDERS, DispatchForm, _dispatch),
    "cancel": (CHANGE_ORDERS, CancelForm, _cancel),
    "tell": (CHANGE_ORDERS, TellForm, _tell),
    "reorder": ("orders.add_order", ReorderForm, _reorder),
    "replace": ("orders.add_order", ReplaceForm, _replace),
}


@login_required
@require_POST
@permission_required(VIEW_ORDERS, raise_exception=True)
def order_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One action on the order page: one service, its refusal shown as a message."""
    if step == "deliver":
        return _deliver(request, pk)
    if step not in STEPS:
        raise Http404("No such step.")
    permission, form_class, action = STEPS[step]
    if not request.user.has_perm(permission):
        raise PermissionDenied("Your role does not allow this.")
    order = _order(request, pk)
    back = redirect("orders:detail", pk=order.pk)
    data = {}
    if form_class is not None:
        form = form_class(request.POST, prefix=step)
        if not form.is_valid():
            messages.error(request, f"Nothing was saved: {form_problems(form)}")
            return back
        data = form.cleaned_data
    try:
        outcome = action(request, order, data)
    except DomainError as error:
        messages.error(request, error.message)
        return back
    if isinstance(outcome, HttpResponse):
        return outcome
    messages.success(request, outcome)
    return back


def _deliver(request, pk: int) -> HttpResponse:
    """What arrived, line by line; a difference from the order marks a wrong delivery."""
    if not request.user.has_perm(CHANGE_ORDERS):
        raise PermissionDenied("Your role does not allow this.")
    order = _order(request, pk)
    back = redirect("orders:detail", pk=order.pk)
    formset = DeliveredFormSet(
        request.POST,
        prefix="delivered",
        form_kwargs={"product_choices": _product_options(active_only=False)},
    )
    if not formset.is_valid():
        problems = "; ".join(form_problems(f) for f in formset.forms if f.errors)
        messages.error(request, f"Nothing was saved: {problems or 'check the lines.'}")
        return back
    arrived = [
        (int(f.cleaned_data["product"]), f.cleaned_data["quantity"])
        for f in formset.forms
        if f.cleaned_data.get("product") and f.cleaned_data.get("quantity")
    ]
    found = page_selectors.products_in(pk for pk, _q in arrived)
    try:
        done = services.order_deliver(
            actor=request.user,
            order=order,
            delivered=[(found[pk], quantity) for pk, quantity in arrived if pk in found],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return back
    if done.wrong_delivery:
        messages.warning(request, f"Recorded as a wrong delivery: {done.delivery_difference}.")
    else:
        when = " (late)." if done.delivered_late else "."
        messages.success(request, "Delivery recorded" + when)
    return back


# --- A new order --------------------------------------------------------------------------------
def _order_channel(customer: Customer) -> str:
    preferred = customer.preferred_channel
    return preferred if preferred in OrderChannel.values else OrderChannel.TELEPHONE


@login_required
@permission_required("orders.add_order", raise_exception=True)
def order_new(request: HttpRequest) -> HttpResponse:
    customer = customer_named(request.user, request.GET.get("customer"))
    if customer is None:
        return _customer_picker(
            request,
            title="New order",
            lede="Whose order is it? Find the customer, then add what they ordered.",
        )
    form = OrderForm(request.POST or None, initial={"channel": _order_channel(customer)})
    lines = OrderLineFormSet(
        request.POST or None, prefix="lines", form_kwargs={"product_choices": _product_options()}
    )
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        chosen = [f.cleaned_data for f in lines.forms if f.cleaned_data.get("product")]
        found = page_selectors.products_in(int(c["product"]) for c in chosen)
        service_lines = []
        for line in chosen:
            product = found[int(line["product"])]
            price = line.get("unit_price")
            service_lines.append(
                (product, line["quantity"]) if price is None else (product, line["quantity"], price)
            )
        try:
            order = services.order_place(
                actor=request.user,
                customer=customer,
                lines=service_lines,
                channel=form.cleaned_data["channel"],
                customer_reference=form.cleaned_data["customer_reference"],
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                f"Order {order.reference} placed. Delivery is promised by {_promised(order)}: "
                "tell the customer.",
            )
            return redirect("orders:detail", pk=order.pk)
    promise, no_promise = None, ""
    try:
        promise = promise_for(customer, "delivery")
    except NoPromise as error:
        no_promise = f"No delivery date can be promised: {error.message}"
    return render(
        request,
        "orders/new.html",
        {
            "form": form,
            "lines": lines,
            "customer": customer,
            "promise": promise,
            "no_promise": no_promise,
        },
    )


# --- Returns ------------------------------------------------------------------------------------
@login_required
@permission_required("orders.view_return", raise_exception=True)
def return_list(request: HttpRequest) -> HttpResponse:
    form = ReturnFilterForm(request.GET or None, statuses=ReturnStatus.choices)
    status = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
    items = page_selectors.return_list(request.user, status=status)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/returns.html",
        {"form": form, "page": page, "query": f"status={status}" if status else ""},
    )


@login_required
@permission_required("orders.add_return", raise_exception=True)
def return_new(request: HttpRequest) -> HttpResponse:
    customer = customer_named(request.user, request.GET.get("customer"))
    if customer is None:
        return _customer_picker(
            request,
            title="Receive a return",
            lede="Whose goods come back? Find the customer first.",
        )
    orders = page_selectors.customer_order_choices(request.user, customer)
    initial = {"order": request.GET.get("order", "")}
    form = ReturnForm(
        request.POST or None,
        initial=initial,
        product_choices=_product_options(active_only=False),
        order_choices=order_options(orders),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        order = next((o for o in orders if str(o.pk) == data["order"]), None)
        product = page_selectors.products_in([int(data["product"])]).get(int(data["product"]))
        try:
            item = services.return_record(
                actor=request.user,
                customer=customer,
                order=order,
                product=product,
                quantity=data["quantity"],
                item_value=data["item_value"],
                reason=data["reason"],
                failure=data["failure"],
                condition=data["condition"],
                proof_of_purchase=data["proof_of_purchase"],
                purchased_on=data["purchased_on"],
                description=data["description"],
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"Return {item.reference} received. See what is due below.")
            return redirect("orders:return", pk=item.pk)
    return render(request, "orders/return_new.html", {"form": form, "customer": customer})


def _return(request, pk: int):
    item = page_selectors.return_detail(request.user, pk)
    if item is None:
        raise Http404("No such return.")
    return item


CHOSEN_BY = {
    "customer": "The customer chooses the remedy.",
    "business": "We choose the remedy.",
}


@login_required
@permission_required("orders.view_return", raise_exception=True)
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The policy's decision and, while the return is open, the form that resolves it (POST
    here: an error comes back on the form with the reason)."""
    item = _return(request, pk)
    can_resolve = (
        request.user.has_perm("orders.change_return") and item.status == ReturnStatus.RECEIVED
    )
    if request.method == "POST" and not can_resolve:
        if not request.user.has_perm("orders.change_return"):
            raise PermissionDenied("Your role does not allow resolving returns.")
        messages.error(request, f"Return {item.reference} is {item.get_status_display().lower()}.")
        return redirect("orders:return", pk=item.pk)
    form = None
    if can_resolve:
        form = ResolveForm(request.POST or None, eligible=item.eligible_remedies)
        if request.method == "POST" and form.is_valid():
            try:
                item = services.return_resolve(actor=request.user, item=item, **form.cleaned_data)
            except DomainError as error:
                _form_error(form, error)
            else:
                if item.status == ReturnStatus.AWAITING_APPROVAL:
                    approval = item.approval
                    messages.warning(
                        request,
                        f"{item.get_outcome_display()} waits for approval by the "
                        f"{approval.required_role} role (request #{approval.pk}).",
                    )
                else:
                    messages.success(
                        request, f"Return {item.reference}: {item.get_outcome_display().lower()}."
                    )
                return redirect("orders:return", pk=item.pk)
    return render(
        request,
        "orders/return_detail.html",
        {
            "item": item,
            "remedies": [ReturnOutcome(r).label for r in item.eligible_remedies],
            "chosen_by": CHOSEN_BY.get(item.chosen_by, ""),
            "form": form,
        },
    )


# --- Warranties ---------------------------------------------------------------------------------
@login_required
@permission_required("orders.view_warranty", raise_exception=True)
def warranty_list(request: HttpRequest) -> HttpResponse:
    form = WarrantyFilterForm(request.GET or None)
    expiring = bool(form.is_bound and form.is_valid() and form.cleaned_data["expiring"])
    page = Paginator(
        page_selectors.warranty_list(request.user, expiring=expiring), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/warranties.html",
        {
            "form": form,
            "page": page,
            "expiring": expiring,
            "query": "expiring=on" if expiring else "",
            "today": timezone.localdate(),
            "soon": timezone.localdate() + timedelta(days=30),
        },
    )


@login_required
@permission_required("orders.add_warranty", raise_exception=True)
def warranty_new(request: HttpRequest) -> HttpResponse:
    customer = customer_named(request.user, request.GET.get("customer"))
    if customer is None:
        return _customer_picker(
            request,
            title="Register a warranty",
            lede="Whose product is it? Find the customer first.",
        )
    orders = page_selectors.customer_order_choices(request.user, customer)
    form = WarrantyForm(
        request.POST or None,
        initial={"order": request.GET.get("order", "")},
        product_choices=_product_options(warranty_only=True),
        order_choices=order_options(orders),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        order = next((o for o in orders if str(o.pk) == data["order"]), None)
        product = page_selectors.products_in([int(data["product"])]).get(int(data["product"]))
        try:
            warranty = services.warranty_register(
                actor=request.user,
                customer=customer,
                product=product,
                serial_or_batch=data["serial_or_batch"],
                purchased_on=data["purchased_on"],
                order=order,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"Registered; covered up to {warranty.expires_on:%d %B %Y}.")
            return redirect("orders:warranty", pk=warranty.pk)
    return render(request, "orders/warranty_new.html", {"form": form, "customer": customer})


def _warranty(request, pk: int):
    warranty = page_selectors.warranty_detail(request.user, pk)
    if warranty is None:
        raise Http404("No such warranty.")
    return warranty


@login_required
@permission_required("orders.view_warranty", raise_exception=True)
def warranty_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The registration, a coverage check (a question, nothing is written), the claims and
    their decisions; a claim is posted here and its errors come back on its form."""
    warranty = _warranty(request, pk)
    coverage = None
    check = CoverageForm(request.GET or None, prefix="check")
    if check.is_bound and check.is_valid():
        coverage = services.warranty_check(warranty, check.cleaned_data["fault_on"])
    can_claim = request.user.has_perm("orders.add_warrantyclaim")
    claim_form = None
    if can_claim:
        claim_form = ClaimForm(
            request.POST or None, prefix="claim", initial={"fault_on": timezone.localdate()}
        )
    if request.method == "POST":
        if not can_claim:
            raise PermissionDenied("Your role does not allow warranty claims.")
        if claim_form.is_valid():
            try:
                claim = services.warranty_claim(
                    actor=request.user, warranty=warranty, **claim_form.cleaned_data
                )
            except DomainError as error:
                _form_error(claim_form, error)
            else:
                if claim.covered:
                    messages.success(request, "Claim recorded: covered. Decide the remedy below.")
                else:
                    messages.warning(
                        request, f"Claim recorded as not covered. {claim.coverage_reason}"
                    )
                return redirect("orders:warranty", pk=warranty.pk)
    can_decide = request.user.has_perm("orders.change_warrantyclaim")
    return render(
        request,
        "orders/warranty_detail.html",
        {
            "warranty": warranty,
            "claims": list(selectors.claims_for(warranty)),
            "check": check,
            "coverage": coverage,
            "claim_form": claim_form,
            "decision_form": ClaimDecisionForm(prefix="decide") if can_decide else None,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
@permission_required("orders.change_warrantyclaim", raise_exception=True)
def claim_decide(request: HttpRequest, pk: int) -> HttpResponse:
    claim = (
        WarrantyClaim.objects.filter(
            pk=pk, warranty__in=selectors.warranties_visible_to(request.user)
        )
        .select_related("warranty")
        .first()
    )
    if claim is None:
        raise Http404("No such claim.")
    back = redirect("orders:warranty", pk=claim.warranty_id)
    form = ClaimDecisionForm(request.POST, prefix="decide")
    if not form.is_valid():
        messages.error(request, f"Nothing was saved: {form_problems(form)}")
        return back
    try:
        decided = services.warranty_claim_decide(
            actor=request.user,
            claim=claim,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Claim decided: {decided.get_outcome_display().lower()}.")
    return back


# --- Quality ------------------------------------------------------------------------------------
TRENDS = {
    "rising": ("↑", "rising"),
    "falling": ("↓", "falling"),
    "steady": ("→", "steady"),
    "new": ("·", "nothing sold before"),
}


@login_required
@permission_required("orders.view_return", raise_exception=True)
def quality(request: HttpRequest) -> HttpResponse:
    """Products returned or claimed on more than the threshold per 100 sold, flagged first."""
    defaults = QualityForm.defaults()
    form = QualityForm(request.GET or None, initial=defaults)
    params = defaults
    if form.is_bound:
        params = form.cleaned_data if form.is_valid() else None
    rows, top = [], None
    if params is not None:
        signals = selectors.quality_signals(
            start=params["start"],
            end=params["end"] + timedelta(days=1),
            threshold_percent=params["threshold"],
            minimum_returns=params["minimum_returns"],
        )
        top = max([s.rate for _p, s in signals] + [params["threshold"] * 2, 1])
        rows = [(product, s, *TRENDS[s.trend]) for product, s in signals]
    return render(
        request,
        "orders/quality.html",
        {"form": form, "rows": rows, "params": params, "top": top},
    )


# --- Products -----------------------------------------------------------------------------------
@login_required
@permission_required("catalog.view_product", raise_exception=True)
def product_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(page_selectors.product_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orders/products.html", {"page": page, "query": ""})


@login_required
@permission_required("catalog.view_product", raise_exception=True)
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = page_selectors.product_detail(pk)
    if product is None:
        raise Http404("No such product.")
    prices = list(product.prices.all())
    today = timezone.localdate()
    in_force = next((p for p in prices if p.effective_from <= today), None)
    return render(
        request,
        "orders/product_detail.html",
        {
            "product": product,
            "prices": prices,
            "in_force": in_force,
            "can_see_returns": request.user.has_perm("orders.view_return"),
        },
    )
