"""The public charter page: no sign-in, only the approved, current version."""

from django.urls import reverse

from charter.standards import services
from charter.standards.models import CharterVersion


def test_anyone_reads_the_current_charter_without_signing_in(client, demo):
    response = client.get(reverse("public-charter"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Innovative Widgets: our promises to you" in page
    assert "We deliver your order within 3 business days." in page
    assert "Key accounts hear from us within 4 business hours" in page
    assert "Sign out" not in page


def test_a_draft_is_not_shown_until_it_is_approved(client, demo):
    from charter.accounts.models import User

    grace = User.objects.get(username="grace")
    draft = services.charter_version_draft(actor=grace, summary_of_changes="Faster")
    draft.promises.filter(event="delivery", segment__isnull=True).update(
        wording="We deliver your order within 2 business days."
    )
    page = client.get(reverse("public-charter")).content.decode()
    assert "within 2 business days" not in page and "within 3 business days" in page

    services.charter_version_approve(actor=grace, version=draft)
    page = client.get(reverse("public-charter")).content.decode()
    assert "within 2 business days" in page and "within 3 business days" not in page


def test_without_an_approved_charter_the_page_says_so(client, db):
    CharterVersion.objects.create(number=1, vision="A secret draft vision")
    response = client.get(reverse("public-charter"))
    assert response.status_code == 404
    page = response.content.decode()
    assert "being written" in page and "secret draft" not in page
