"""A user's permissions are read once and cached; any change of roles or of a role's
permissions is seen by the very next request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from charter.accounts import services
from charter.accounts.models import RoleCode, User


def _fresh(user) -> User:
    # A new request loads the user anew: nothing is kept on the object between requests.
    return User.objects.get(pk=user.pk)


def test_permissions_are_read_from_the_database_once(make_user):
    officer = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    assert _fresh(officer).has_perm("cases.add_contact")
    again = _fresh(officer)
    with CaptureQueriesContext(connection) as queries:
        assert again.has_perm("cases.add_contact")
        assert not again.has_perm("accounts.change_authoritylimit")
    assert len(queries) == 0


def test_a_role_taken_away_is_refused_on_the_next_request(make_user):
    officer = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    assert _fresh(officer).has_perm("cases.add_contact")
    services.user_set_roles(user=officer, roles=[RoleCode.AUDITOR])
    assert not _fresh(officer).has_perm("cases.add_contact")
    assert _fresh(officer).has_perm("cases.view_case")


def test_a_group_joined_from_its_side_counts_at_once(make_user):
    nobody = make_user(None)
    assert not _fresh(nobody).has_perm("cases.add_contact")
    Group.objects.get(role__code=RoleCode.CUSTOMER_SERVICE_OFFICER).user_set.add(nobody)
    assert _fresh(nobody).has_perm("cases.add_contact")
    Group.objects.get(role__code=RoleCode.CUSTOMER_SERVICE_OFFICER).user_set.clear()
    assert not _fresh(nobody).has_perm("cases.add_contact")


def test_a_permission_taken_from_a_role_is_gone_for_everyone(make_user):
    first = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    second = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    assert _fresh(first).has_perm("cases.add_contact")
    assert _fresh(second).has_perm("cases.add_contact")
    add_contact = Permission.objects.get(codename="add_contact", content_type__app_label="cases")
    Group.objects.get(role__code=RoleCode.CUSTOMER_SERVICE_OFFICER).permissions.remove(add_contact)
    assert not _fresh(first).has_perm("cases.add_contact")
    assert not _fresh(second).has_perm("cases.add_contact")


def test_a_permission_given_to_one_person_counts_at_once(make_user):
    auditor = make_user(RoleCode.AUDITOR)
    assert not _fresh(auditor).has_perm("cases.add_contact")
    add_contact = Permission.objects.get(codename="add_contact", content_type__app_label="cases")
    auditor.user_permissions.add(add_contact)
    assert _fresh(auditor).has_perm("cases.add_contact")


def test_a_deactivated_user_has_no_permissions(make_user):
    officer = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    assert _fresh(officer).has_perm("cases.add_contact")
    User.objects.filter(pk=officer.pk).update(is_active=False)
    assert not _fresh(officer).has_perm("cases.add_contact")


@pytest.mark.django_db
def test_migrate_gives_every_role_its_permissions_from_every_app():
    # Without anything else calling roles_sync: a fresh install's roles work from the start,
    # including permissions of apps that migrate signals after the accounts app.
    from charter.accounts.roles import ROLE_SPECS

    for spec in ROLE_SPECS:
        group = Group.objects.get(role__code=spec.code)
        have = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert have == set(spec.permissions), spec.code
