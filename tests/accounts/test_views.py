"""Staff pages: sign-in, role-aware home and navigation, approvals and limits, permissions."""

import pytest

from charter.accounts.models import ApprovalRequest, ApprovalStatus, AuthorityLimit, RoleCode

pytestmark = pytest.mark.django_db


def test_pages_need_a_sign_in(client):
    for url in ("/", "/approvals/", "/authority/", "/staff/", "/audit/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_signing_in_and_out(client, make_user):
    make_user(username="mary", password="correct-horse-battery", first_name="Mary")
    page = client.get("/login/")
    assert b'<label for="id_username">Username</label>' in page.content
    response = client.post(
        "/login/", {"username": "mary", "password": "correct-horse-battery"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Hello, Mary" in response.content.decode()
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_a_wrong_password_says_so_and_repeated_failures_lock_the_account(
    client, make_user, settings
):
    make_user(username="mary", password="correct-horse-battery")
    first = client.post("/login/", {"username": "mary", "password": "nope"})
    assert first.status_code == 200
    assert "correct username and password" in first.content.decode()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post("/login/", {"username": "mary", "password": "nope"})
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    # Even the right password is refused while locked.
    again = client.post("/login/", {"username": "mary", "password": "correct-horse-battery"})
    assert again.status_code == 429


@pytest.mark.parametrize(
    "role, sees, hidden",
    [
        (
            RoleCode.CUSTOMER_SERVICE_OFFICER,
            ["Your authority", "Your approval requests"],
            ["Waiting for your decision", "Audit trail"],
        ),
        (RoleCode.SUPERVISOR, ["Waiting for your decision", "Your authority"], ["Audit trail"]),
        (RoleCode.CUSTOMER_SERVICE_MANAGER, ["Waiting for your decision", "Audit trail"], []),
        (
            RoleCode.AUDITOR,
            ["Latest changes", "Audit trail"],
            ["Waiting for your decision", "Your approval requests"],
        ),
    ],
)
def test_each_role_has_its_home_page_and_navigation(
    client, make_user, demo_limits, role, sees, hidden
):
    user = make_user(role)
    client.force_login(user)
    page = client.get("/").content.decode()
    assert RoleCode(role).label in page
    for text in sees:
        assert text in page
    for text in hidden:
        assert text not in page


def test_the_home_page_query_count_is_fixed(
    client, make_user, demo_limits, django_assert_max_num_queries
):
    john = make_user(RoleCode.SUPERVISOR)
    mary = make_user()
    client.force_login(john)
    client.get("/")  # the process's first request also reads the settings it keeps
    # A budget: the home page's panels (the cases panel reads its list, its counts and the
    # warning figure; the requests panel whether the role handles anything to ask for) in a
    # fixed number of queries.
    with django_assert_max_num_queries(24) as few:
        client.get("/")
    from charter.accounts import services

    for n in range(8):
        services.approval_request_create(
            requested_by=mary,
            action="goodwill",
            amount=str(100 + n),
            item_value="500",
            description=f"refund {n}",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/").content.decode()
    assert "8</span> requests waiting" in page


def test_an_officer_asks_and_a_supervisor_approves_on_the_pages(client, make_user, demo_limits):
    mary = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    john = make_user(RoleCode.SUPERVISOR)
    client.force_login(mary)
    form = client.get("/approvals/new/?action=goodwill&amount=120&item_value=120")
    assert b'value="120"' in form.content
    response = client.post(
        "/approvals/new/",
        {
            "action": "goodwill",
            "amount": "120",
            "item_value": "120",
            "description": "Faulty widget: goodwill on top of the refund",
        },
    )
    approval = ApprovalRequest.objects.get()
    assert response["Location"] == f"/approvals/{approval.pk}/"
    own = client.get(response["Location"]).content.decode()
    assert "Waiting for a supervisor" in own
    assert "Record decision" not in own
    # The officer cannot decide, even by posting directly.
    assert (
        client.post(f"/approvals/{approval.pk}/decide/", {"decision": "approve"}).status_code == 403
    )

    client.force_login(john)
    waiting = client.get("/approvals/").content.decode()
    assert f"#{approval.pk}" in waiting
    rejected_without_reason = client.post(
        f"/approvals/{approval.pk}/decide/", {"decision": "reject", "note": ""}
    )
    assert rejected_without_reason.status_code == 400
    assert "Say why the request is rejected" in rejected_without_reason.content.decode()
    approved = client.post(
        f"/approvals/{approval.pk}/decide/", {"decision": "approve"}, follow=True
    )
    assert "approved" in approved.content.decode()
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED


def test_a_request_within_authority_is_refused_on_the_form(client, make_user, demo_limits):
    client.force_login(make_user())
    response = client.post(
        "/approvals/new/",
        {"action": "goodwill", "amount": "5", "item_value": "100", "description": "small"},
    )
    assert response.status_code == 200
    assert "No approval needed" in response.content.decode()
    assert not ApprovalRequest.objects.exists()


def test_bad_input_on_the_form_is_explained_not_a_500(client, make_user, demo_limits):
    client.force_login(make_user())
    response = client.post(
        "/approvals/new/", {"action": "teleport", "amount": "lots", "description": ""}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "Enter a number" in page
    assert 'aria-invalid="true"' in page


def test_someone_elses_approval_is_not_found(client, make_user, demo_limits):
    mary, mia = make_user(), make_user()
    from charter.accounts import services

    approval = services.approval_request_create(
        requested_by=mary, action="goodwill", amount="100", item_value="100", description="x"
    )
    client.force_login(mia)
    assert client.get(f"/approvals/{approval.pk}/").status_code == 404


def test_the_may_i_check_answers_in_place(client, make_user, demo_limits):
    client.force_login(make_user())
    yes = client.get(
        "/authority/check/?action=goodwill&amount=10&item_value=100", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Yes." in yes
    no = client.get("/authority/check/?action=goodwill&amount=30&item_value=100").content.decode()
    assert "Not on your own." in no and "Ask for approval" in no


def test_only_administrators_edit_limits(client, make_user, admin_user, demo_limits):
    limit = AuthorityLimit.objects.filter(action="refund").first()
    client.force_login(make_user(RoleCode.CUSTOMER_SERVICE_MANAGER))
    assert client.get(f"/authority/{limit.pk}/edit/").status_code == 403
    assert b"Edit" not in client.get("/authority/").content.split(b"<table")[1]
    client.force_login(admin_user)
    assert client.get(f"/authority/{limit.pk}/edit/").status_code == 200
    bad = client.post(
        f"/authority/{limit.pk}/edit/",
        {"allowed": "on", "percent_of_value": "150", "currency": "AUD"},
    )
    assert bad.status_code == 200
    assert "100" in bad.content.decode()


def test_configuration_is_for_administrators_only(client, make_user, admin_user):
    client.force_login(make_user())
    assert client.get("/admin/").status_code == 302  # to the admin login: not staff
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_the_staff_directory_query_count_is_fixed(client, make_user, django_assert_max_num_queries):
    from charter.accounts import services

    team = services.team_ensure(name="Customer service")
    client.force_login(make_user(team=team))
    with django_assert_max_num_queries(15) as few:
        client.get("/staff/")
    for n in range(20):
        make_user(team=team, username=f"member{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/staff/").content.decode()
    assert "Member19" in page


def test_pages_carry_a_content_security_policy_and_no_framing(client, make_user):
    client.force_login(make_user())
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_staff_change_their_own_password(client, make_user):
    mary = make_user(username="mary", password="correct-horse-battery")
    client.force_login(mary)
    weak = client.post(
        "/password/",
        {"old_password": "correct-horse-battery", "new_password1": "123", "new_password2": "123"},
    )
    assert "too short" in weak.content.decode()
    done = client.post(
        "/password/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": "a-better-passphrase-9",
            "new_password2": "a-better-passphrase-9",
        },
    )
    assert done["Location"] == "/password/done/"
    mary.refresh_from_db()
    assert mary.check_password("a-better-passphrase-9")


def test_a_role_that_handles_no_refunds_is_told_so_and_offered_no_button(
    client, make_user, demo_limits
):
    client.force_login(make_user(RoleCode.ANALYST))
    check = client.get(
        "/authority/check/?action=refund&amount=30&item_value=100", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Your role does not handle refunds" in check and "Ask for approval" not in check
    form = client.get("/approvals/new/?action=refund&amount=30&item_value=100").content.decode()
    assert "Your role does not handle refunds" in form and "Send request" not in form
    posted = client.post(
        "/approvals/new/",
        {"action": "refund", "amount": "30", "item_value": "100", "description": "Refund"},
    )
    assert posted.status_code == 200
    assert "Your role does not handle refunds" in posted.content.decode()
    assert not ApprovalRequest.objects.exists()
    home = client.get("/").content.decode()
    assert 'href="/approvals/new/"' not in home and "no approval to ask for" in home
    # An officer, who handles refunds, is still offered the button.
    client.force_login(make_user())
    check = client.get("/authority/check/?action=goodwill&amount=30&item_value=100").content
    assert b"Ask for approval" in check
    assert b"Send request" in client.get("/approvals/new/?action=goodwill").content


def test_a_staff_members_authority_names_each_action_in_words(client, make_user, demo_limits):
    officer = make_user(username="mary")
    client.force_login(officer)
    page = client.get(f"/staff/{officer.pk}/").content.decode()
    assert "Closing complaints" in page and "Refunds" in page
    assert "Close_complaint" not in page and "close_complaint" not in page


def test_withdrawing_a_request_asks_first_and_only_the_requester(client, make_user, demo_limits):
    from charter.accounts import services

    mary, supervisor = make_user(), make_user(RoleCode.SUPERVISOR)
    approval = services.approval_request_create(
        requested_by=mary, action="goodwill", amount="100", item_value="100", description="x"
    )
    url = f"/approvals/{approval.pk}/withdraw/"
    client.force_login(supervisor)
    refused = client.post(url, follow=True).content.decode()
    assert "Only the person who asked may withdraw" in refused
    client.force_login(mary)
    asked = client.post(url).content.decode()
    assert f"Withdraw request #{approval.pk}?" in asked
    approval.refresh_from_db()
    assert approval.status == "pending"
    client.post(url, {"confirmed": "1"})
    approval.refresh_from_db()
    assert approval.status == "withdrawn"
