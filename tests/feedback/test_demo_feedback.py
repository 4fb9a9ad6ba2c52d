"""The demo's feedback tells the seeds' story: two RATER runs whose reliability and
responsiveness gaps widen, comments about waiting on hold that rise from October, CSAT after
closed cases that drops, and an open NPS survey whose link works."""

from datetime import date

from django.core.management import call_command
from django.test import Client

from charter.feedback import selectors
from charter.feedback.demo import NPS_NAME, RUNS
from charter.feedback.models import Comment, Response, Survey, Topic


def test_the_demo_feedback_tells_the_seeds_story(demo_with_history, settings):
    assert Topic.objects.get(code="waiting_time").responsible.username == "john"
    march, september = (Survey.objects.get(name=name) for name, _ in RUNS)
    assert september.previous == march
    scores = {}
    for survey in (march, september):
        [row] = selectors.servqual_scores(selectors.ScoreFilter(survey=survey))
        assert 90 <= row.score.respondents <= 110  # about 100 answers from 300 invited
        assert survey.invitations.count() == 300
        scores[survey.pk] = row.score
    for dimension in ("reliability", "responsiveness"):
        assert (
            scores[september.pk].dimensions[dimension].value
            < scores[march.pk].dimensions[dimension].value - 0.4
        )
    assert scores[september.pk].weights["reliability"] > 25  # weighted most

    hold = Comment.objects.filter(topic__code="waiting_time")
    recent = hold.filter(received_at__date__gte=date(2026, 10, 1)).count()
    earlier = hold.filter(
        received_at__date__gte=date(2026, 4, 1), received_at__date__lt=date(2026, 7, 1)
    ).count()
    assert recent > earlier

    by_month = {
        row.label: row.score.value
        for row in selectors.csat_scores(selectors.ScoreFilter(code="case-csat", group="month"))
    }
    assert by_month["Nov 2026"] < by_month["Jun 2026"]

    nps = Survey.objects.get(name=NPS_NAME)
    link = (settings.CHARTER_DEMO_LOGINS_FILE.parent / "demo-survey-link.txt").read_text()
    token = link.strip().rstrip("/").rsplit("/", 1)[1]
    page = Client().post(f"/f/{token}/", {"q-recommend": "8"})
    assert page.status_code == 200 and Response.objects.filter(survey=nps).count() == 1

    counts = (Comment.objects.count(), Response.objects.count(), Survey.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Comment.objects.count(), Response.objects.count(), Survey.objects.count()) == counts
