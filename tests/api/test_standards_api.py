"""The charter, its promises and the policies over the API: every member of staff reads them; a
manager drafts, edits and approves versions through the same services as the pages; staff
acknowledge them; a refusal is a 4xx with its message, never a 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from charter.accounts.models import AuthorityLimit, RoleCode, Team, User
from charter.customers.models import CustomerType, Segment
from charter.standards import services
from charter.standards.models import (
    Acknowledgement,
    ChannelOffer,
    CharterVersion,
    CustomerNeed,
    Policy,
    PolicyVersion,
    ServicePromise,
    VersionStatus,
)

pytestmark = pytest.mark.django_db


def _client(username):
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    return client


def _ok(response, code=200) -> dict:
    assert response.status_code == code, response.content
    return response.json() if response.content else {}


def _refused(response, code) -> dict:
    assert response.status_code == code, response.content
    body = response.json()
    assert body["detail"], body
    return body


# --- Fixtures: a small organisation with an approved first charter and policy -----------------
@pytest.fixture
def manager(make_user):
    team = Team.objects.create(name="Customer service", slug="customer-service")
    return make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace", team=team)


@pytest.fixture
def officer(make_user, manager):
    return make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary", team=manager.team)


@pytest.fixture
def mining(db):
    return CustomerType.objects.create(name="Mining equipment supplier", slug="mining")


@pytest.fixture
def retail(db):
    return CustomerType.objects.create(name="Retail customer", slug="retail")


@pytest.fixture
def key_accounts(db):
    return Segment.objects.create(name="Key accounts", slug="key-accounts")


def _promise(manager, version, **fields):
    values = {
        "event": "delivery",
        "target": 3,
        "unit": "business_days",
        "wording": "We deliver within 3 business days.",
        "measure": "From the order's time to delivery.",
        **fields,
    }
    return services.promise_save(actor=manager, version=version, **values)


@pytest.fixture
def charter_v1(manager, mining):
    draft = services.charter_version_draft(actor=manager, summary_of_changes="The first.")
    services.charter_version_update(
        actor=manager,
        version=draft,
        vision="Widgets that are safe, right and on time.",
        mission="Make better widgets.\nServe customers well.",
        external_dispute_body="The Industry Ombudsman, 1800 000 000.",
    )
    _promise(manager, draft)
    _promise(
        manager,
        draft,
        event="complaint_resolve",
        target=10,
        wording="We resolve a complaint within 10 business days.",
        measure="From the complaint's logged time.",
    )
    services.need_save(
        actor=manager,
        version=draft,
        customer_type=mining,
        needs="Parts on time\nA named contact",
        communication="Phone for anything urgent.",
    )
    services.channel_save(
        actor=manager,
        version=draft,
        channel="telephone",
        hours="Weekdays 8:30 to 5:00",
        suited_to="Urgent problems.",
    )
    return services.charter_version_approve(actor=manager, version=draft)


POLICY_TEXT = {
    "purpose": "Complaints are handled the same way every time.",
    "scope": "Every customer complaint.",
    "responsibility": "Everyone who handles complaints.",
    "legislation": "Privacy Act 1988 (Cwlth)",
}


def _approved_policy(manager, title, slug, *, steps=2, teams=()):
    policy = services.policy_create(actor=manager, title=title, slug=slug, teams=teams)
    draft = services.policy_version_draft(actor=manager, policy=policy)
    services.policy_version_update(actor=manager, version=draft, **POLICY_TEXT)
    for n in range(1, steps + 1):
        services.step_save(
            actor=manager, version=draft, procedure="Officers", number=n, text=f"Step {n}."
        )
    services.policy_version_approve(actor=manager, version=draft)
    return policy


@pytest.fixture
def complaints(manager, officer, demo_limits):
    policy = _approved_policy(manager, "Complaints policy", "complaints", steps=1)
    draft = services.policy_version_draft(actor=manager, policy=policy)
    services.step_save(
        actor=manager,
        version=draft,
        procedure="Officers",
        number=2,
        text="Refund an additional 10% of the item's value, at most $25.",
        authority_limit=AuthorityLimit.objects.get(role__code="cso", action="goodwill"),
    )
    services.step_save(
        actor=manager,
        version=draft,
        procedure="Officers",
        number=3,
        text="Refer any injury to the customer service manager.",
        refer_to_role=manager.groups.get().role,
    )
    services.step_save(
        actor=manager,
        version=draft,
        procedure="Officers",
        number=4,
        text="Help the customer fill in the claim form.",
        form_name="Insurance claim form",
    )
    services.policy_version_approve(actor=manager, version=draft)
    return policy


# --- Reading the charter and its promises (the demo's) ------------------------------------------
def test_staff_read_the_current_promises_and_every_version(demo):
    client = _client("mary")
    promises = client.get("/api/v1/promises/").json()
    delivery = [p for p in promises["results"] if p["event"] == "delivery"]
    assert [(p["target"], p["unit"], p["scope"]) for p in delivery] == [
        ("3.00", "business_days", "All customers")
    ]
    key = [p for p in promises["results"] if p["segment"] == "key-accounts"]
    assert key[0]["scope"] == "Segment: Key accounts"

    versions = client.get("/api/v1/charter/").json()["results"]
    assert versions[0]["status"] == "approved" and len(versions[0]["promises"]) == 8


def test_the_charter_list_reads_in_fixed_queries(demo):
    client = _client("grace")
    client.get("/api/v1/charter/")  # the first call also loads the user's permissions
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/charter/")
    grace = User.objects.get(username="grace")
    draft = services.charter_version_draft(actor=grace)
    services.charter_version_approve(actor=grace, version=draft)
    with CaptureQueriesContext(connection) as two:
        assert len(client.get("/api/v1/charter/").json()["results"]) == 2
    assert len(two) == len(one)


def test_without_signing_in_the_api_refuses(demo):
    for url in ("/api/v1/promises/", "/api/v1/policies/", "/api/v1/acknowledgements/"):
        assert APIClient().get(url).status_code in (401, 403), url


def test_a_version_shows_its_needs_channels_and_dispute_body(charter_v1, officer):
    body = _ok(_client("mary").get(f"/api/v1/charter/{charter_v1.pk}/"))
    assert body["external_dispute_body"] == "The Industry Ombudsman, 1800 000 000."
    assert body["approved_by"] == "Grace"
    [need] = body["needs"]
    assert need["customer_type"] == {
        "slug": "mining",
        "name": "Mining equipment supplier",
        "internal": False,
    }
    assert need["need_lines"] == ["Parts on time", "A named contact"]
    assert need["communication"] == "Phone for anything urgent."
    assert body["channels"] == [
        {
            "id": body["channels"][0]["id"],
            "channel": "telephone",
            "label": "Telephone",
            "opening_hours": {},  # none by day: its promises run on the service hours
            "opening_hours_text": "",
            "hours": "Weekdays 8:30 to 5:00",
            "suited_to": "Urgent problems.",
        }
    ]


# --- Drafting, editing and approving the charter ------------------------------------------------
def test_a_manager_drafts_edits_and_approves_the_next_charter(charter_v1, manager, key_accounts):
    client = _client("grace")
    draft = _ok(
        client.post("/api/v1/charter/", {"summary_of_changes": "Faster."}, format="json"), 201
    )
    assert (draft["number"], draft["status"]) == (2, "draft")
    assert draft["vision"] == "Widgets that are safe, right and on time."  # copied to edit
    assert len(draft["promises"]) == 2 and len(draft["needs"]) == 1

    edited = _ok(
        client.patch(
            f"/api/v1/charter/{draft['id']}/",
            {"vision": "  Widgets on time, every time.  ", "welcome": "Welcome."},
            format="json",
        )
    )
    assert edited["vision"] == "Widgets on time, every time."
    assert edited["welcome"] == "Welcome."
    assert edited["summary_of_changes"] == "Faster."  # untouched

    delivery = next(p for p in draft["promises"] if p["event"] == "delivery")
    changed = _ok(
        client.patch(
            f"/api/v1/promises/{delivery['id']}/",
            {"target": "2", "wording": "We deliver within 2 business days."},
            format="json",
        )
    )
    assert (changed["target"], changed["unit"]) == ("2.00", "business_days")
    added = _ok(
        client.post(
            "/api/v1/promises/",
            {
                "version": draft["id"],
                "event": "complaint_acknowledge",
                "segment": "key-accounts",
                "target": "4",
                "unit": "business_hours",
                "wording": "Key accounts hear from us within 4 business hours.",
                "measure": "From the complaint's logged time.",
            },
            format="json",
        ),
        201,
    )
    assert added["segment"] == "key-accounts" and added["scope"] == "Segment: Key accounts"
    resolve = next(p for p in draft["promises"] if p["event"] == "complaint_resolve")
    assert client.delete(f"/api/v1/promises/{resolve['id']}/").status_code == 204

    approved = _ok(client.post(f"/api/v1/charter/{draft['id']}/approve/"))
    assert approved["status"] == "approved" and approved["approved_by"] == "Grace"
    assert approved["approved_at"]
    charter_v1.refresh_from_db()
    assert charter_v1.status == VersionStatus.SUPERSEDED
    # The current charter's promises are the new version's.
    current = _ok(client.get("/api/v1/promises/"))["results"]
    assert sorted((p["event"], p["target"]) for p in current) == [
        ("complaint_acknowledge", "4.00"),
        ("delivery", "2.00"),
    ]
    old = _ok(client.get("/api/v1/promises/?version=1"))["results"]
    assert len(old) == 2


def test_only_a_draft_loses_a_promise(charter_v1, manager):
    client = _client("grace")
    promise = charter_v1.promises.first()
    body = _refused(client.delete(f"/api/v1/promises/{promise.pk}/"), 409)
    assert "only a draft can be changed" in body["detail"]
    assert ServicePromise.objects.filter(pk=promise.pk).exists()


def test_the_charter_refuses_what_the_domain_refuses_with_its_message(charter_v1, manager):
    client = _client("grace")
    # An approved version never changes.
    body = _refused(
        client.patch(f"/api/v1/charter/{charter_v1.pk}/", {"vision": "x"}, format="json"), 409
    )
    assert "only a draft can be changed" in body["detail"]
    _refused(client.post(f"/api/v1/charter/{charter_v1.pk}/approve/"), 409)
    # One draft at a time.
    draft = _ok(client.post("/api/v1/charter/", {}, format="json"), 201)
    assert "already open" in _refused(client.post("/api/v1/charter/", {}), 409)["detail"]
    # A charter without promises is not approved.
    for promise in CharterVersion.objects.get(pk=draft["id"]).promises.all():
        services.promise_remove(actor=None, promise=promise)
    body = _refused(client.post(f"/api/v1/charter/{draft['id']}/approve/"), 400)
    assert "promises nothing" in body["detail"]
    # What the endpoint cannot change is refused, not ignored.
    body = client.patch(f"/api/v1/charter/{draft['id']}/", {"number": 7}, format="json")
    assert body.status_code == 400 and "number" in body.json()
    assert _refused(client.get("/api/v1/charter/999/"), 404)


def test_bad_promises_are_a_400_naming_the_field(charter_v1, manager, mining, key_accounts):
    client = _client("grace")
    draft = services.charter_version_draft(actor=manager)
    base = {
        "version": draft.pk,
        "event": "delivery",
        "target": "3",
        "unit": "business_days",
        "wording": "We deliver within 3 business days.",
        "measure": "From the order's time.",
    }
    cases = [
        ({"customer_type": "mining", "segment": "key-accounts"}, "segment", "not both"),
        ({"unit": "seconds"}, "percent", "service level"),
        ({"target": "2.5"}, "target", "whole number of days"),
        ({"measure": "  "}, None, None),  # blank: the serializer's own "may not be blank"
    ]
    for change, field, words in cases:
        response = client.post("/api/v1/promises/", {**base, **change}, format="json")
        assert response.status_code == 400, (change, response.content)
        body = response.json()
        if field:
            assert body["field"] == field and words in body["detail"], body
    unknown = client.post("/api/v1/promises/", {**base, "segment": "nobody"}, format="json")
    assert unknown.status_code == 400
    assert unknown.json()["segment"] == ["There is no segment 'nobody'."]
    missing = client.post("/api/v1/promises/", {"version": draft.pk}, format="json")
    assert missing.status_code == 400 and {"event", "unit", "target"} <= set(missing.json())
    # A promise of an approved version cannot be added or changed.
    approved = {**base, "version": charter_v1.pk}
    assert "only a draft" in _refused(client.post("/api/v1/promises/", approved), 409)["detail"]
    promise = charter_v1.promises.first()
    _refused(client.patch(f"/api/v1/promises/{promise.pk}/", {"target": "1"}), 409)
    # The version of a promise is not moved by an update.
    moved = client.patch(f"/api/v1/promises/{promise.pk}/", {"version": draft.pk})
    assert moved.status_code == 400 and "version" in moved.json()
    assert draft.promises.count() == 2


def test_comparing_two_versions_of_the_charter(charter_v1, manager):
    draft = services.charter_version_draft(actor=manager)
    services.charter_version_update(
        actor=manager, version=draft, vision="Widgets that are safe, right and always on time."
    )
    delivery = draft.promises.get(event="delivery")
    services.promise_save(actor=manager, version=draft, promise=delivery, target=2)
    services.promise_remove(actor=None, promise=draft.promises.get(event="complaint_resolve"))
    _promise(manager, draft, event="refund", target=5, wording="Refunds in 5 days.")

    client = _client("grace")
    body = _ok(client.get("/api/v1/charter/compare/?from=1&to=2"))
    assert (body["from_number"], body["to_number"], body["unchanged"]) == (1, 2, False)
    [vision] = body["texts"]
    assert vision["label"] == "Vision"
    assert vision["words"] == [
        {"kind": "same", "text": "Widgets that are safe, right and"},
        {"kind": "added", "text": "always"},
        {"kind": "same", "text": "on time."},
    ]
    kinds = {(item["kind"], item["key"].split(" (")[0]) for item in body["items"]}
    assert kinds == {
        ("changed", "Deliver an order"),
        ("removed", "Resolve a complaint"),
        ("added", "Process a refund"),
    }
    changed = next(item for item in body["items"] if item["kind"] == "changed")
    assert changed["changed_fields"] == ["Target"]
    assert changed["old"]["Target"] == "3 business days"
    assert changed["new"]["Target"] == "2 business days"
    added = next(item for item in body["items"] if item["kind"] == "added")
    assert added["old"] is None and added["new"]["Wording"] == "Refunds in 5 days."

    same = _ok(client.get("/api/v1/charter/compare/?from=1&to=1"))
    assert same["unchanged"] is True and same["texts"] == same["items"] == []
    missing = _refused(client.get("/api/v1/charter/compare/?from=1&to=9"), 404)
    assert missing["detail"] == "There is no version 9 of the charter."
    bad = client.get("/api/v1/charter/compare/?from=one")
    assert bad.status_code == 400 and {"from", "to"} <= set(bad.json())


def test_staff_acknowledge_the_current_charter_and_only_it(charter_v1, manager, officer):
    client = _client("mary")
    body = _ok(client.post(f"/api/v1/charter/{charter_v1.pk}/acknowledge/"))
    assert (body["charter_version"], body["user"]) == (charter_v1.pk, "mary")
    _ok(client.post(f"/api/v1/charter/{charter_v1.pk}/acknowledge/"))  # twice is once
    assert charter_v1.acknowledgements.count() == 1
    draft = services.charter_version_draft(actor=manager)
    body = _refused(client.post(f"/api/v1/charter/{draft.pk}/acknowledge/"), 409)
    assert body["detail"] == "Only the current charter is acknowledged."


# --- A draft's customer needs and channels ------------------------------------------------------
def _parts(version) -> tuple[list, list]:
    needs = list(version.needs.values_list("customer_type__slug", "needs", "communication"))
    channels = list(version.channels.values_list("channel", "hours", "suited_to"))
    return needs, channels


def test_a_manager_adds_changes_and_removes_a_drafts_needs_and_channels(
    charter_v1, manager, mining, retail
):
    client = _client("grace")
    draft = services.charter_version_draft(actor=manager)
    url = f"/api/v1/charter/{draft.pk}/"

    need = _ok(
        client.post(
            f"{url}needs/",
            {"customer_type": "retail", "needs": "A fair price\n Stock they can see "},
            format="json",
        ),
        201,
    )
    assert need["customer_type"] == {"slug": "retail", "name": "Retail customer", "internal": False}
    assert need["need_lines"] == ["A fair price", "Stock they can see"]
    assert need["communication"] == ""
    changed = _ok(
        client.patch(
            f"{url}needs/{need['id']}/",
            {"communication": "  Email or the web form. "},
            format="json",
        )
    )
    assert changed["communication"] == "Email or the web form."
    assert changed["need_lines"] == ["A fair price", "Stock they can see"]  # untouched
    mining_need = draft.needs.get(customer_type=mining)
    assert client.delete(f"{url}needs/{mining_need.pk}/").status_code == 204

    offer = _ok(
        client.post(
            f"{url}channels/",
            {"channel": "email", "hours": "Answered on weekdays", "suited_to": "Orders."},
            format="json",
        ),
        201,
    )
    assert (offer["channel"], offer["label"], offer["hours"]) == (
        "email",
        "Email",
        "Answered on weekdays",
    )
    moved = _ok(
        client.patch(
            f"{url}channels/{offer['id']}/",
            {"channel": "web_form", "hours": "Any time"},
            format="json",
        )
    )
    assert (moved["id"], moved["label"], moved["hours"], moved["suited_to"]) == (
        offer["id"],
        "Web form",
        "Any time",
        "Orders.",
    )
    phone = draft.channels.get(channel="telephone")
    assert client.delete(f"{url}channels/{phone.pk}/").status_code == 204

    body = _ok(client.get(url))
    assert [n["customer_type"]["slug"] for n in body["needs"]] == ["retail"]
    assert [(c["channel"], c["hours"]) for c in body["channels"]] == [("web_form", "Any time")]
    # The approved version keeps its own.
    assert _parts(charter_v1) == (
        [("mining", "Parts on time\nA named contact", "Phone for anything urgent.")],
        [("telephone", "Weekdays 8:30 to 5:00", "Urgent problems.")],
    )
    # A draft's parts are reached through that draft only.
    old_need, old_offer = charter_v1.needs.get(), charter_v1.channels.get()
    _refused(client.patch(f"{url}needs/{old_need.pk}/", {"needs": "x"}, format="json"), 404)
    _refused(client.delete(f"{url}channels/{old_offer.pk}/"), 404)


def test_an_approved_versions_needs_and_channels_never_change(charter_v1, manager, retail):
    client = _client("grace")
    url = f"/api/v1/charter/{charter_v1.pk}/"
    need, offer = charter_v1.needs.get(), charter_v1.channels.get()
    before = _parts(charter_v1)
    attempts = [
        ("post", f"{url}needs/", {"customer_type": "retail", "needs": "Anything."}),
        ("patch", f"{url}needs/{need.pk}/", {"needs": "Nothing."}),
        ("delete", f"{url}needs/{need.pk}/", None),
        ("post", f"{url}channels/", {"channel": "email", "hours": "Always."}),
        ("patch", f"{url}channels/{offer.pk}/", {"hours": "Never."}),
        ("delete", f"{url}channels/{offer.pk}/", None),
    ]
    for method, path, data in attempts:
        body = _refused(getattr(client, method)(path, data, format="json"), 409)
        assert body["detail"] == (
            "Version 1 is approved (current): only a draft can be changed. "
            "Start a new draft of the charter to change it."
        ), (method, path)
    assert _parts(charter_v1) == before
    assert CustomerNeed.objects.count() == ChannelOffer.objects.count() == 1


def test_bad_needs_and_channels_are_a_400_naming_the_field(charter_v1, manager, retail):
    client = _client("grace")
    draft = services.charter_version_draft(actor=manager)
    url = f"/api/v1/charter/{draft.pk}/"
    before = _parts(draft)

    # A channel is offered once, whether added again or changed into one already offered.
    again = {"channel": "telephone", "hours": "Evenings"}
    body = _refused(client.post(f"{url}channels/", again, format="json"), 400)
    assert body == {
        "detail": "This channel is already offered: edit that entry.",
        "field": "channel",
    }
    email = services.channel_save(actor=manager, version=draft, channel="email", hours="Weekdays")
    body = _refused(
        client.patch(f"{url}channels/{email.pk}/", {"channel": "telephone"}, format="json"), 400
    )
    assert body["field"] == "channel"
    # A customer type is described once.
    body = _refused(
        client.post(f"{url}needs/", {"customer_type": "mining", "needs": "More."}, format="json"),
        400,
    )
    assert body["field"] == "customer_type" and "already describes" in body["detail"]
    # What is missing, unknown or not this endpoint's is named.
    # Neither hours by day nor a note: the service names what is missing.
    missing = client.post(f"{url}channels/", {"channel": "video"}, format="json")
    assert _refused(missing, 400)["field"] == "hours"
    blank = client.patch(f"{url}channels/{email.pk}/", {"hours": "  "}, format="json")
    assert _refused(blank, 400)["field"] == "hours"
    unknown = client.post(f"{url}needs/", {"customer_type": "nobody", "needs": "x"}, format="json")
    assert unknown.status_code == 400
    assert unknown.json()["customer_type"] == ["There is no customer type 'nobody'."]
    fax = client.post(f"{url}channels/", {"channel": "fax", "hours": "Never"}, format="json")
    assert fax.status_code == 400 and "channel" in fax.json()
    other = client.post(
        f"{url}channels/", {"channel": "video", "hours": "Never", "version": 1}, format="json"
    )
    assert other.status_code == 400 and "version" in other.json()
    need = draft.needs.get()
    moved = client.patch(f"{url}needs/{need.pk}/", {"version": charter_v1.pk}, format="json")
    assert moved.status_code == 400 and "version" in moved.json()

    assert _parts(draft) == (before[0], [*before[1], ("email", "Weekdays", "")])


def test_an_officer_may_not_change_a_drafts_needs_or_channels(charter_v1, officer, retail):
    client = _client("mary")
    draft = services.charter_version_draft(actor=User.objects.get(username="grace"))
    url = f"/api/v1/charter/{draft.pk}/"
    need, offer = draft.needs.get(), draft.channels.get()
    before = _parts(draft)
    writes = [
        ("post", f"{url}needs/", {"customer_type": "retail", "needs": "Mine."}),
        ("patch", f"{url}needs/{need.pk}/", {"needs": "Mine."}),
        ("delete", f"{url}needs/{need.pk}/", None),
        ("post", f"{url}channels/", {"channel": "email", "hours": "Mine."}),
        ("patch", f"{url}channels/{offer.pk}/", {"hours": "Mine."}),
        ("delete", f"{url}channels/{offer.pk}/", None),
    ]
    for method, path, data in writes:
        response = getattr(client, method)(path, data, format="json")
        assert response.status_code == 403, (method, path, response.content)
        assert response.json()["detail"] == "Your role does not allow this."
    assert _parts(draft) == before


def test_the_api_root_lists_the_standards_endpoints(officer):
    client = _client("mary")
    root = _ok(client.get("/api/v1/"))
    for name in ("charter", "promises", "policies", "acknowledgements"):
        assert root[name] == f"http://testserver/api/v1/{name}/", name
        _ok(client.get(root[name]))


# --- Policies -----------------------------------------------------------------------------------
def test_policies_list_their_versions_newest_first_with_their_steps(complaints, officer):
    body = _ok(_client("mary").get("/api/v1/policies/"))
    [policy] = body["results"]
    assert (policy["slug"], policy["title"], policy["teams"]) == (
        "complaints",
        "Complaints policy",
        [],
    )
    assert [(v["number"], v["status"]) for v in policy["versions"]] == [
        (2, "approved"),
        (1, "superseded"),
    ]
    current = policy["versions"][0]
    assert current["approved_by"] == "Grace" and current["approved_at"]
    assert current["purpose"] == POLICY_TEXT["purpose"]
    steps = {step["number"]: step for step in current["steps"]}
    assert steps[1]["authority_limit"] is None
    limit = steps[2]["authority_limit"]
    assert (limit["role"], limit["action"]) == ("cso", "goodwill")
    assert limit["description"] == "up to 10% of the item's value, at most $25.00"
    assert steps[3]["refer_to_role"] == "csm"
    assert steps[4]["form_name"] == "Insurance claim form"

    detail = _ok(_client("mary").get("/api/v1/policies/complaints/"))
    assert detail == policy
    version = _ok(_client("mary").get("/api/v1/policies/complaints/versions/1/"))
    assert version["status"] == "superseded" and len(version["steps"]) == 1
    assert _refused(_client("mary").get("/api/v1/policies/complaints/versions/7/"), 404)
    assert _client("mary").get("/api/v1/policies/nothing/").status_code == 404


def test_the_demo_complaints_policy_over_the_api(demo):
    policy = _ok(_client("mary").get("/api/v1/policies/complaints/"))
    steps = policy["versions"][0]["steps"]
    goodwill = next(s for s in steps if s["number"] == 7 and s["authority_limit"])
    assert goodwill["authority_limit"]["action"] == "goodwill"
    assert goodwill["authority_limit"]["description"] == (
        "up to 10% of the item's value, at most $25.00"
    )
    assert any(s["refer_to_role"] == "csm" for s in steps)
    assert any(s["form_name"] == "Claims Form" for s in steps)


def test_a_manager_writes_approves_and_compares_a_policy(manager, officer):
    client = _client("grace")
    created = _ok(
        client.post(
            "/api/v1/policies/",
            {"title": "Returns policy", "slug": "returns", "teams": ["customer-service"]},
            format="json",
        ),
        201,
    )
    assert (created["slug"], created["teams"], created["versions"]) == (
        "returns",
        ["customer-service"],
        [],
    )
    draft = _ok(
        client.post("/api/v1/policies/returns/draft/", {"summary_of_changes": "First."}), 201
    )
    assert (draft["number"], draft["status"]) == (1, "draft")
    edited = _ok(client.patch("/api/v1/policies/returns/versions/1/", POLICY_TEXT, format="json"))
    assert edited["scope"] == "Every customer complaint."
    step = _ok(
        client.post(
            "/api/v1/policies/returns/versions/1/steps/",
            {"procedure": "Officers", "number": 1, "text": "Check the receipt."},
            format="json",
        ),
        201,
    )
    second = _ok(
        client.post(
            "/api/v1/policies/returns/versions/1/steps/",
            {"procedure": "Officers", "number": 2, "text": "Refer it.", "refer_to_role": "csm"},
            format="json",
        ),
        201,
    )
    assert second["refer_to_role"] == "csm"
    fixed = _ok(
        client.patch(
            f"/api/v1/policies/returns/versions/1/steps/{step['id']}/",
            {"text": "Check the receipt or the order number."},
            format="json",
        )
    )
    assert (fixed["number"], fixed["text"]) == (1, "Check the receipt or the order number.")
    gone = client.delete(f"/api/v1/policies/returns/versions/1/steps/{second['id']}/")
    assert gone.status_code == 204
    approved = _ok(client.post("/api/v1/policies/returns/versions/1/approve/"))
    assert approved["status"] == "approved" and approved["approved_by"] == "Grace"
    assert [s["text"] for s in approved["steps"]] == ["Check the receipt or the order number."]

    # The next version: edit, add a step, compare.
    _ok(client.post("/api/v1/policies/returns/draft/", {}), 201)
    _ok(
        client.patch(
            "/api/v1/policies/returns/versions/2/",
            {"scope": "Every return of a product."},
            format="json",
        )
    )
    _ok(
        client.post(
            "/api/v1/policies/returns/versions/2/steps/",
            {"procedure": "Officers", "number": 2, "text": "Offer a replacement."},
            format="json",
        ),
        201,
    )
    comparison = _ok(client.get("/api/v1/policies/returns/compare/?from=1&to=2"))
    assert [t["label"] for t in comparison["texts"]] == ["Scope"]
    assert [(i["kind"], i["key"]) for i in comparison["items"]] == [("added", "Officers, step 2")]
    missing = _refused(client.get("/api/v1/policies/returns/compare/?from=1&to=3"), 404)
    assert missing["detail"] == "There is no version 3 of this policy."

    # Renaming and rebinding the policy.
    renamed = _ok(
        client.patch(
            "/api/v1/policies/returns/",
            {"title": "Returns and refunds policy", "teams": []},
            format="json",
        )
    )
    assert (renamed["title"], renamed["teams"]) == ("Returns and refunds policy", [])
    assert [v["number"] for v in renamed["versions"]] == [2, 1]


def test_policy_refusals_are_4xx_with_the_message(complaints, manager):
    client = _client("grace")
    body = _refused(client.post("/api/v1/policies/", {"title": "Other", "slug": "complaints"}), 400)
    assert body == {"detail": "A policy already uses this short name.", "field": "slug"}
    _refused(client.post("/api/v1/policies/", {"title": "complaints POLICY", "slug": "c2"}), 400)
    bad_slug = client.post("/api/v1/policies/", {"title": "Privacy", "slug": "not a slug"})
    assert bad_slug.status_code == 400 and "slug" in bad_slug.json()
    # An approved version never changes, and is approved once.
    approved = "/api/v1/policies/complaints/versions/2/"
    body = _refused(client.patch(approved, {"scope": "x"}, format="json"), 409)
    assert "Start a new draft of the policy" in body["detail"]
    _refused(client.post(f"{approved}steps/", {"procedure": "A", "number": 9, "text": "x"}), 409)
    _refused(client.post(f"{approved}approve/"), 409)
    # One draft at a time; a draft's steps are numbered once per procedure.
    _ok(client.post("/api/v1/policies/complaints/draft/", {}), 201)
    assert (
        "already open" in _refused(client.post("/api/v1/policies/complaints/draft/"), 409)["detail"]
    )
    clash = _refused(
        client.post(
            "/api/v1/policies/complaints/versions/3/steps/",
            {"procedure": "Officers", "number": 1, "text": "Again."},
            format="json",
        ),
        400,
    )
    assert clash == {"detail": "Officers already has a step 1: renumber one.", "field": "number"}
    # A policy without steps is not approved.
    services.policy_create(actor=manager, title="Privacy", slug="privacy")
    _ok(client.post("/api/v1/policies/privacy/draft/"), 201)
    _ok(client.patch("/api/v1/policies/privacy/versions/1/", POLICY_TEXT, format="json"))
    body = _refused(client.post("/api/v1/policies/privacy/versions/1/approve/"), 400)
    assert "at least one numbered step" in body["detail"]
    # Unknown fields and references are named.
    other = client.patch(
        "/api/v1/policies/privacy/versions/1/", {"status": "approved"}, format="json"
    )
    assert other.status_code == 400 and "status" in other.json()
    role = client.post(
        "/api/v1/policies/privacy/versions/1/steps/",
        {"procedure": "A", "number": 1, "text": "x", "refer_to_role": "boss"},
        format="json",
    )
    assert role.status_code == 400 and role.json()["refer_to_role"] == ["There is no role 'boss'."]
    assert PolicyVersion.objects.get(policy__slug="privacy").steps.count() == 0


def test_staff_acknowledge_a_policys_current_version(complaints, officer):
    client = _client("mary")
    body = _ok(client.post("/api/v1/policies/complaints/versions/2/acknowledge/"))
    assert body["policy_version"] == complaints.versions.get(number=2).pk
    body = _refused(client.post("/api/v1/policies/complaints/versions/1/acknowledge/"), 409)
    assert body["detail"] == "Only a policy's current version is acknowledged."


def test_an_officer_may_read_but_every_write_is_a_403(charter_v1, complaints, officer):
    client = _client("mary")
    draft = services.charter_version_draft(actor=User.objects.get(username="grace"))
    promise = draft.promises.first()
    writes = [
        ("post", "/api/v1/charter/", {}),
        ("patch", f"/api/v1/charter/{draft.pk}/", {"vision": "Mine."}),
        ("post", f"/api/v1/charter/{draft.pk}/approve/", {}),
        ("post", "/api/v1/promises/", {"version": draft.pk}),
        ("patch", f"/api/v1/promises/{promise.pk}/", {"target": "1"}),
        ("delete", f"/api/v1/promises/{promise.pk}/", None),
        ("post", "/api/v1/policies/", {"title": "Mine", "slug": "mine"}),
        ("patch", "/api/v1/policies/complaints/", {"title": "Mine"}),
        ("post", "/api/v1/policies/complaints/draft/", {}),
        ("patch", "/api/v1/policies/complaints/versions/2/", {"scope": "Mine."}),
        ("post", "/api/v1/policies/complaints/versions/2/steps/", {"number": 1}),
        ("patch", "/api/v1/policies/complaints/versions/2/steps/1/", {"text": "x"}),
        ("delete", "/api/v1/policies/complaints/versions/2/steps/1/", None),
        ("post", "/api/v1/policies/complaints/versions/2/approve/", {}),
    ]
    for method, url, data in writes:
        response = getattr(client, method)(url, data, format="json")
        assert response.status_code == 403, (method, url, response.content)
        assert response.json()["detail"] == "Your role does not allow this."
    draft.refresh_from_db()
    assert draft.vision == charter_v1.vision and draft.status == VersionStatus.DRAFT
    assert draft.promises.count() == 2
    assert Policy.objects.count() == 1 and PolicyVersion.objects.count() == 2
    # Reading is for everyone on the staff.
    for url in ("/api/v1/charter/", "/api/v1/promises/", "/api/v1/policies/"):
        _ok(client.get(url))


def test_the_service_refuses_even_when_the_view_lets_a_request_through(
    charter_v1, officer, monkeypatch
):
    """The view's permission is a first gate; the service checks again (one door)."""
    from charter.api import standards

    draft = services.charter_version_draft(actor=User.objects.get(username="grace"))
    monkeypatch.setattr(standards.CharterViewSet, "action_permissions", {})
    response = _client("mary").patch(
        f"/api/v1/charter/{draft.pk}/", {"vision": "Mine."}, format="json"
    )
    body = _refused(response, 403)
    assert body["detail"] == "Your role does not allow you to edit the charter."


def test_a_token_client_writes_too(charter_v1, manager):
    token, _ = Token.objects.get_or_create(user=manager)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = _ok(client.post("/api/v1/charter/", {"summary_of_changes": "By token."}), 201)
    assert body["summary_of_changes"] == "By token."
    assert CharterVersion.objects.get(number=2).created_by == manager


def test_the_policy_list_reads_in_fixed_queries(complaints, manager, officer):
    client = _client("mary")
    client.get("/api/v1/policies/")  # the first call also loads the user's permissions
    with CaptureQueriesContext(connection) as one:
        assert len(_ok(client.get("/api/v1/policies/"))["results"]) == 1
    team = manager.team
    for n in range(4):
        policy = _approved_policy(manager, f"Policy {n}", f"policy-{n}", steps=3, teams=[team])
        draft = services.policy_version_draft(actor=manager, policy=policy)
        services.step_save(
            actor=manager,
            version=draft,
            procedure="Managers",
            number=1,
            text="Decide.",
            refer_to_role=manager.groups.get().role,
            authority_limit=AuthorityLimit.objects.get(role__code="csm", action="refund"),
        )
    with CaptureQueriesContext(connection) as many:
        body = _ok(client.get("/api/v1/policies/"))
    assert len(body["results"]) == 5
    assert sum(len(v["steps"]) for p in body["results"] for v in p["versions"]) == 5 + 4 * 7
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


# --- Acknowledgements ---------------------------------------------------------------------------
def test_i_see_what_i_still_have_to_acknowledge(charter_v1, complaints, manager, officer):
    client = _client("mary")
    body = _ok(client.get("/api/v1/acknowledgements/"))
    assert [(d["kind"], d["number"], d["policy"]) for d in body["results"]] == [
        ("charter", 1, None),
        ("policy", 2, "complaints"),
    ]
    assert body["results"][0]["title"] == "Customer service charter, version 1"
    # Each document says where to acknowledge it; doing so takes it off the list.
    for document in body["results"]:
        _ok(client.post(document["acknowledge"]))
    assert _ok(client.get("/api/v1/acknowledgements/"))["results"] == []
    # A policy for another team is not mine to read.
    other = Team.objects.create(name="Returns", slug="returns")
    _approved_policy(manager, "Returns policy", "returns", teams=[other])
    assert _ok(client.get("/api/v1/acknowledgements/"))["count"] == 0


def test_the_acknowledgement_report_is_for_those_allowed_to_see_it(
    charter_v1, complaints, manager, officer, make_user
):
    other = Team.objects.create(name="Returns", slug="returns")
    make_user(RoleCode.RETURNS_WARRANTY_OFFICER, username="ravi", team=other)
    services.charter_acknowledge(user=officer, version=charter_v1)

    # Officers see only their own list; supervisors, managers and auditors see the report.
    assert _client("mary").get("/api/v1/acknowledgements/report/").status_code == 403
    client = _client("grace")
    report = _ok(client.get("/api/v1/acknowledgements/report/"))["results"]
    charter = report[0]
    assert charter["document"]["kind"] == "charter"
    # Grace and Mary in customer service, Ravi in returns, Omar (the administrator) in none.
    assert (charter["total"], charter["missing_count"]) == (4, 3)
    teams = {t["team"]["slug"] if t["team"] else None: t for t in charter["teams"]}
    assert [p["username"] for p in teams[None]["missing"]] == ["omar"]
    assert [p["username"] for p in teams["customer-service"]["done"]] == ["mary"]
    assert [p["username"] for p in teams["customer-service"]["missing"]] == ["grace"]
    assert [p["username"] for p in teams["returns"]["missing"]] == ["ravi"]

    narrowed = _ok(client.get("/api/v1/acknowledgements/report/?team=returns"))["results"]
    assert {t["team"]["slug"] for d in narrowed for t in d["teams"]} == {"returns"}
    assert [d["missing_count"] for d in narrowed] == [1, 1]
    unknown = client.get("/api/v1/acknowledgements/report/?team=nobody")
    assert unknown.status_code == 400
    assert unknown.json()["team"] == ["There is no team 'nobody'."]
    make_user(RoleCode.SUPERVISOR, username="john", team=manager.team)
    _ok(_client("john").get("/api/v1/acknowledgements/report/"))


def test_acknowledgement_lists_read_in_fixed_queries(charter_v1, complaints, manager, officer):
    client = _client("grace")
    urls = ("/api/v1/acknowledgements/", "/api/v1/acknowledgements/report/")
    for url in urls:
        client.get(url)  # permissions loaded
    before = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            _ok(client.get(url))
        before[url] = len(queries)
    for n in range(3):
        _approved_policy(manager, f"Policy {n}", f"policy-{n}")
    services.charter_acknowledge(user=officer, version=charter_v1)
    assert Acknowledgement.objects.count() == 1
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert _ok(client.get(url))["count"] == 5
        assert len(queries) == before[url], url


# --- The schema ---------------------------------------------------------------------------------
def test_the_schema_has_the_standards_endpoints_and_no_warnings():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "schema generation warned: see the captured output"
    for path in (
        "/api/v1/charter/compare/",
        "/api/v1/charter/{id}/approve/",
        "/api/v1/charter/{id}/acknowledge/",
        "/api/v1/charter/{id}/needs/",
        "/api/v1/charter/{id}/channels/",
        "/api/v1/policies/{slug}/versions/{number}/",
        "/api/v1/policies/{slug}/versions/{number}/steps/{step_id}/",
        "/api/v1/policies/{slug}/compare/",
        "/api/v1/acknowledgements/report/",
    ):
        assert path in schema["paths"], path
    assert set(schema["paths"]["/api/v1/promises/{id}/"]) >= {"get", "patch", "delete"}
    for part, item in (("needs", "need_id"), ("channels", "offer_id")):
        assert set(schema["paths"][f"/api/v1/charter/{{id}}/{part}/"]) == {"post"}
        assert set(schema["paths"][f"/api/v1/charter/{{id}}/{part}/{{{item}}}/"]) == {
            "patch",
            "delete",
        }
