"""Survey campaigns end to end: planning the invitations, sending them by email to a real SMTP
server, answering through the private link (once, while open), the pages for used, foreign
and closed links, and what the public page never shows."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from charter.core.errors import DomainError, NotPermitted
from charter.feedback import rules, services, tasks, tokens
from charter.feedback.models import (
    Answer,
    Comment,
    Invitation,
    Question,
    Questionnaire,
    Response,
    Survey,
    Topic,
)

from .conftest import links_in, questionnaire


def test_migrate_ships_the_questionnaires_and_topics(db):
    servqual = questionnaire("rater-servqual")
    items = Question.objects.filter(section__questionnaire=servqual, kind="servqual")
    assert items.count() == 22
    assert set(items.values_list("dimension", flat=True)) == {
        "reliability",
        "assurance",
        "tangibles",
        "empathy",
        "responsiveness",
    }
    assert all(q.expectation_text and q.text != q.expectation_text for q in items)
    assert Question.objects.filter(section__questionnaire=servqual, kind="points").count() == 1
    for code in ("case-csat", "nps", "ces", "service-kpis"):
        assert questionnaire(code).is_published
    assert set(Topic.objects.values_list("code", flat=True)) >= {
        "delivery",
        "product_quality",
        "staff_manner",
        "information",
        "pricing_billing",
        "website_systems",
        "waiting_time",
        "other",
    }


def _plan(actor, **fields):
    today = timezone.localdate()
    fields.setdefault("name", "NPS spring")
    fields.setdefault("questionnaire", questionnaire("nps"))
    fields.setdefault("population", "everyone")
    fields.setdefault("opens_on", today)
    fields.setdefault("closes_on", today + timedelta(days=21))
    return services.survey_create(actor=actor, **fields)


def test_a_survey_proposes_its_invitations_from_the_responses_wanted(analyst, surveyed):
    survey = _plan(analyst, responses_wanted=3, expected_response_rate=25)
    assert survey.invitations_planned == 12  # 3 at one in four, within the 12 who may be asked
    survey = _plan(analyst, responses_wanted=100, expected_response_rate=25)
    assert survey.invitations_planned == 12  # never more than the population


def test_a_survey_proposes_its_invitations_from_the_margin_wanted(analyst, surveyed):
    survey = _plan(analyst, margin_wanted=5, expected_response_rate=50)
    expected = rules.invitations_needed(margin=0.05, population=12, response_rate=0.5)
    assert survey.invitations_planned == expected.invitations == 12


def test_a_survey_needs_a_published_questionnaire_and_sane_dates(analyst, manager, surveyed):
    draft = services.questionnaire_new_version(actor=manager, questionnaire=questionnaire("nps"))
    with pytest.raises(DomainError, match="Publish the questionnaire"):
        _plan(analyst, questionnaire=draft)
    today = timezone.localdate()
    with pytest.raises(DomainError, match="closes before it opens"):
        _plan(analyst, opens_on=today, closes_on=today - timedelta(days=1))
    with pytest.raises(DomainError, match="segment"):
        _plan(analyst, population="segment")


def test_an_officer_cannot_plan_or_send_surveys(make_user, analyst, surveyed):
    officer = make_user("cso", username="mary")
    with pytest.raises(NotPermitted):
        _plan(officer)
    survey = _plan(analyst)
    with pytest.raises(NotPermitted):
        services.survey_open(actor=officer, survey=survey)


def _open_and_send(analyst, smtp_server, **fields):
    survey = _plan(analyst, **fields)
    services.survey_open(actor=analyst, survey=survey, seed=1)
    tasks.send_invitations.call(survey.pk)
    return survey, links_in(smtp_server)


def test_opening_emails_each_invitation_a_private_link(analyst, surveyed, smtp_server):
    survey, links = _open_and_send(
        analyst,
        smtp_server,
        responses_wanted=4,
        expected_response_rate=50,
        incentive="a $20 credit on your account",
    )
    assert survey.invitations.count() == len(links) == 8
    recipients = {m["To"] for m in smtp_server}
    assert "no@example.com" not in recipients  # no consent to surveys
    assert all("$20 credit" in m.get_payload() for m in smtp_server)
    assert len(set(links)) == 8
    # Only digests are stored: the links are not in the database.
    stored = set(Invitation.objects.values_list("token_hash", flat=True))
    assert not stored & set(links)
    assert {tokens.digest(link) for link in links} == stored


NPS_ANSWERS = {"q-recommend": "9", "q-reason": "Mary sorted out the late delivery quickly."}


def test_a_link_takes_answers_once(analyst, surveyed, smtp_server, routes):
    survey, links = _open_and_send(analyst, smtp_server, responses_wanted=2)
    client = Client()
    page = client.get(f"/f/{links[0]}/")
    assert page.status_code == 200
    assert "How likely are you to recommend us" in page.content.decode()
    done = client.post(f"/f/{links[0]}/", NPS_ANSWERS)
    assert done.status_code == 200 and "Thank you" in done.content.decode()
    response = Response.objects.get()
    assert response.survey == survey and response.invitation.responded_at
    assert Answer.objects.get(response=response, role="nps").number == 9
    comment = Comment.objects.get(response=response)
    assert comment.source == "survey" and comment.topic and comment.sentiment
    again = client.post(f"/f/{links[0]}/", NPS_ANSWERS)
    assert again.status_code == 410 and "Already answered" in again.content.decode()
    assert client.get(f"/f/{links[0]}/").status_code == 410
    assert Response.objects.count() == 1


def test_a_foreign_or_altered_link_is_refused(analyst, surveyed, smtp_server):
    _survey, links = _open_and_send(analyst, smtp_server, responses_wanted=2)
    client = Client()
    altered = links[0][:-1] + ("A" if links[0][-1] != "A" else "B")
    for token in (altered, "x" * 43, "not-a-token"):
        page = client.get(f"/f/{token}/")
        assert page.status_code == 404
        assert "Link not recognised" in page.content.decode()
    assert client.post(f"/f/{altered}/", NPS_ANSWERS).status_code == 404
    assert not Response.objects.exists()


def test_a_closed_survey_takes_no_answers(analyst, surveyed, smtp_server):
    survey, links = _open_and_send(analyst, smtp_server, responses_wanted=2)
    services.survey_close(actor=analyst, survey=survey)
    page = Client().post(f"/f/{links[0]}/", NPS_ANSWERS)
    assert page.status_code == 410 and "closed" in page.content.decode()
    yesterday = timezone.localdate() - timedelta(days=1)
    Survey.objects.filter(pk=survey.pk).update(
        status="open", opens_on=yesterday, closes_on=yesterday
    )
    assert Client().get(f"/f/{links[0]}/").status_code == 410
    assert not Response.objects.exists()


def test_the_public_page_shows_nothing_about_any_customer(analyst, surveyed, smtp_server):
    _survey, links = _open_and_send(
        analyst, smtp_server, responses_wanted=12, expected_response_rate=100
    )
    names = {c.name for c in surveyed} | {c.email for c in surveyed}
    for token in links[:3]:
        page = Client().get(f"/f/{token}/").content.decode()
        assert not [n for n in names if n in page]
        assert "Surveyed" not in page and "@example.com" not in page


def test_bad_answers_are_marked_and_nothing_is_kept(analyst, surveyed, smtp_server):
    _survey, links = _open_and_send(
        analyst, smtp_server, questionnaire=questionnaire("rater-servqual"), responses_wanted=2
    )
    answers = {
        "q-t1-e": "7",
        "q-t1-p": "9",
        "q-weights-reliability": "60",
        "q-weights-empathy": "30",
    }
    page = Client().post(f"/f/{links[0]}/", answers)
    text = page.content.decode()
    assert page.status_code == 400
    assert "Choose a number from 1 to 7" in text
    assert "The points add up to 90: they must add up to 100." in text
    assert "Answer both" in text  # required items left empty
    assert not Response.objects.exists()
    assert Invitation.objects.filter(responded_at__isnull=False).count() == 0


def test_a_reminder_goes_once_after_the_days_set(analyst, surveyed, smtp_server):
    survey, links = _open_and_send(analyst, smtp_server, responses_wanted=2, remind_after_days=3)
    Client().post(f"/f/{links[0]}/", NPS_ANSWERS)
    assert tasks.send_reminders.call() == 0  # not yet due
    Invitation.objects.update(sent_at=timezone.now() - timedelta(days=3, minutes=1))
    before = len(smtp_server)
    reminded = tasks.send_reminders.call()
    assert reminded == survey.invitations.count() - 1  # not the one who answered
    assert all(m["Subject"].startswith("Reminder:") for m in smtp_server[before:])
    # The reminder carries the same private link.
    assert set(links_in(smtp_server[before:])) == set(links[1:])
    assert tasks.send_reminders.call() == 0


def test_the_survey_page_shows_the_response_rate_and_the_last_run(
    client, analyst, surveyed, smtp_server
):
    first, links = _open_and_send(
        analyst, smtp_server, responses_wanted=2, expected_response_rate=50
    )
    Client().post(f"/f/{links[0]}/", {"q-recommend": "10"})
    Client().post(f"/f/{links[1]}/", {"q-recommend": "3"})
    services.survey_close(actor=analyst, survey=first)
    second = _plan(analyst, name="NPS autumn")
    assert second.previous == first
    client.force_login(analyst)
    page = client.get(f"/feedback/surveys/{first.pk}/").content.decode()
    assert "response rate 50.0%" in page  # 2 of the 4 sent
    assert "from 2 responses" in page
    page = client.get(f"/feedback/surveys/{second.pk}/").content.decode()
    assert "Last run (NPS spring)" in page


def test_a_questionnaire_is_changed_by_a_new_version(manager):
    nps = questionnaire("nps")
    draft = services.questionnaire_new_version(actor=manager, questionnaire=nps)
    assert draft.version == nps.version + 1 and not draft.is_published
    assert draft.sections.count() == nps.sections.count()
    Question.objects.filter(section__questionnaire=draft, kind="text").update(kind="single")
    with pytest.raises(DomainError, match="at least two choices"):
        services.questionnaire_publish(actor=manager, questionnaire=draft)
    Question.objects.filter(section__questionnaire=draft, kind="single").update(
        choices=["Price", "Service"]
    )
    services.questionnaire_publish(actor=manager, questionnaire=draft)
    assert Questionnaire.objects.get(pk=draft.pk).is_published


def test_a_closed_case_brings_a_csat_invitation_once(db, make_customer, smtp_server):
    from charter.cases.models import Case

    agreed = make_customer(name="Agreed", email="agreed@example.com", consent_surveys=True)
    declined = make_customer(name="Declined", email="declined@example.com")
    now = timezone.now()
    for n, customer in enumerate((agreed, declined)):
        Case.objects.create(
            reference=f"CASE-T{n}",
            subject="Late widgets",
            customer=customer,
            channel="telephone",
            status="closed",
            closed_at=now,
            opened_at=now,
        )
    assert tasks.invite_after_closed_cases.call() == 1
    assert tasks.invite_after_closed_cases.call() == 0  # asked once only
    [invitation] = Invitation.objects.all()
    assert invitation.customer == agreed and invitation.case.reference == "CASE-T0"
    assert invitation.survey.questionnaire.code == "case-csat"
    tasks.send_invitation.call(invitation.pk)  # queued when the case's check commits
    [message] = [m for m in smtp_server if m["To"] == "agreed@example.com"]
    assert "/f/" in message.get_payload()


def test_a_draft_is_edited_in_the_configuration_and_a_published_version_is_not(db, client):
    from charter.accounts.models import User

    root = User.objects.create_superuser("root", "root@example.com", "a-long-test-password")
    client.force_login(root)
    published = questionnaire("nps")
    question = Question.objects.filter(section__questionnaire=published).first()
    page = client.get(f"/admin/feedback/question/{question.pk}/change/")
    assert page.status_code == 200 and 'name="text"' not in page.content.decode()
    draft = services.questionnaire_new_version(actor=root, questionnaire=published)
    draft_question = Question.objects.filter(section__questionnaire=draft).first()
    page = client.get(f"/admin/feedback/question/{draft_question.pk}/change/")
    assert 'name="text"' in page.content.decode()


def test_the_manager_builds_a_new_version_on_its_page(client, manager):
    nps = questionnaire("nps")
    client.force_login(manager)
    response = client.post(f"/feedback/questionnaires/{nps.pk}/", {"act": "new-version"})
    draft = Questionnaire.objects.get(code="nps", version=nps.version + 1)
    assert response.headers["Location"] == f"/feedback/questionnaires/{draft.pk}/"
    url = response.headers["Location"]
    added = client.post(
        url,
        {
            "act": "add",
            "section_title": "About delivery",
            "kind": "single",
            "text": "Did your last order arrive on the day we promised?",
            "choices": "Yes\nNo, later\nNo, earlier",
            "required": "on",
        },
        follow=True,
    )
    assert "Added: Did your last order arrive" in added.content.decode()
    refused = client.post(
        url,
        {
            "act": "add",
            "section_title": "About delivery",
            "kind": "single",
            "text": "Colour?",
            "choices": "Blue",
        },
        follow=True,
    )
    assert "Give at least two choices, one per line." in refused.content.decode()
    reason = Question.objects.get(section__questionnaire=draft, key="reason")
    client.post(url, {"act": "remove", "question": reason.pk})
    assert not Question.objects.filter(pk=reason.pk).exists()
    second = Question.objects.get(section__questionnaire=draft, section__title="About delivery")
    assert second.choices == ["Yes", "No, later", "No, earlier"] and second.required
    client.post(url, {"act": "publish"})
    draft.refresh_from_db()
    assert draft.is_published
    # Published: no longer changed.
    client.post(url, {"act": "remove", "question": second.pk})
    assert Question.objects.filter(pk=second.pk).exists()


def test_a_rater_item_needs_its_dimension_and_expectation(manager):
    draft = services.questionnaire_new_version(
        actor=manager, questionnaire=questionnaire("rater-servqual")
    )
    with pytest.raises(DomainError, match="RATER dimension"):
        services.question_add(
            actor=manager,
            questionnaire=draft,
            section_title="More",
            kind="servqual",
            text="We answer the phone within three rings.",
        )
    item = services.question_add(
        actor=manager,
        questionnaire=draft,
        section_title="More",
        kind="servqual",
        text="We answer the phone within three rings.",
        dimension="responsiveness",
        expectation_text="An excellent supplier answers within three rings.",
    )
    assert item.role == "servqual" and item.key == "we_answer_the_phone_within_three_rings"


def test_opening_a_survey_in_its_page_says_how_many_it_emails_and_asks_first(
    client, analyst, surveyed, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    survey = _plan(analyst, responses_wanted=3, expected_response_rate=50)
    url = reverse("feedback:survey", args=[survey.pk])
    client.force_login(analyst)
    with django_capture_on_commit_callbacks() as queued:
        asked = client.post(url, {"act": "open"}).content.decode()
    assert "Opening it emails 6 customers, chosen at random from the 12" in asked
    assert 'name="act" value="open"' in asked and "Open it and email 6" in asked
    survey.refresh_from_db()
    assert survey.status == "draft" and not survey.invitations.exists() and not queued

    with django_capture_on_commit_callbacks() as queued:
        client.post(url, {"act": "open", "confirmed": "1"})
    survey.refresh_from_db()
    assert survey.status == "open" and survey.invitations.count() == 6 and len(queued) == 1

    asked = client.post(url, {"act": "close"}).content.decode()
    assert "stop taking answers" in asked
    survey.refresh_from_db()
    assert survey.status == "open"
