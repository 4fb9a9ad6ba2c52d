"""The demo's feedback tells the seeds' story: two RATER runs whose reliability and
responsiveness gaps widen, comments about waiting on hold that rise from October and name Mary,
CSAT after closed cases that drops (most for Mary), and an open NPS survey with its first
answers, whose link works. Dates follow the day the demo is loaded (``core.demo_dates``)."""

import re
from datetime import timedelta

from django.core.management import call_command
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from charter.accounts.models import User
from charter.core.demo_dates import story_dates
from charter.feedback import selectors
from charter.feedback.demo import NPS_MARKER, rater_runs, survey_link_file
from charter.feedback.models import Comment, Response, Survey, Topic
from charter.feedback.selectors import GROUPS


def test_the_demo_feedback_tells_the_seeds_story(demo_with_history, settings):
    story = story_dates(timezone.localdate())
    assert Topic.objects.get(code="waiting_time").responsible.username == "john"
    march, september = (Survey.objects.get(name=name) for name, _ in rater_runs(story))
    assert march.opens_on.month == 3 and september.opens_on.month == 9
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

    # Comments about waiting on hold come more often from October than before it (a day).
    hold = Comment.objects.filter(topic__code="waiting_time")
    recent = hold.filter(received_at__date__range=(story.october, story.november_end)).count()
    assert recent >= 10
    before = max(story.history_start, story.october - timedelta(days=91))
    if before < story.october:  # loaded in October or November, the history starts then
        earlier = hold.filter(received_at__date__range=(before, story.october - timedelta(1)))
        assert recent / 61 > earlier.count() / (story.october - before).days

    by_month = {
        row.key: row.score.value
        for row in selectors.csat_scores(selectors.ScoreFilter(code="case-csat", group="month"))
    }
    november = [v for k, v in by_month.items() if timezone.localtime(k).date().month == 11]
    earlier = [v for k, v in by_month.items() if timezone.localtime(k).date() < story.october]
    assert november and all(november[-1] < value for value in earlier)

    nps = Survey.objects.get(name__startswith=NPS_MARKER)
    answered = Response.objects.filter(survey=nps).count()
    link = survey_link_file().read_text()
    token = link.strip().rstrip("/").rsplit("/", 1)[1]
    page = Client().post(f"/f/{token}/", {"q-recommend": "8"})
    assert page.status_code == 200 and Response.objects.filter(survey=nps).count() == answered + 1

    counts = (Comment.objects.count(), Response.objects.count(), Survey.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Comment.objects.count(), Response.objects.count(), Survey.objects.count()) == counts


def test_comments_about_manner_and_waiting_in_october_and_november_name_mary(demo_with_history):
    """The seeds' manager saw Mary rude to customers and putting them on hold: most of the
    comments a manager finds under staff manner and waiting time in October and November name
    her, in their words or through the survey response (and so the officer) they came with."""
    story = story_dates(timezone.localdate())
    mary = User.objects.get(username="mary")
    about = Comment.objects.filter(
        topic__code__in=["staff_manner", "waiting_time"],
        received_at__date__range=(story.october, story.november_end),
    )
    naming = Q(text__contains="Mary") | Q(response__officer=mary)
    assert about.count() >= 20
    assert about.filter(naming).count() / about.count() > 0.5
    since = about.filter(received_at__date__gte=story.started["mary"])
    assert since.filter(naming).count() / since.count() >= 0.7
    assert not about.filter(naming, received_at__date__lt=story.started["mary"]).exists()
    # Staff never enter a comment about themselves.
    assert not about.filter(text__contains="Mary", entered_by=mary).exists()
    # Her unhappy customers' CSAT comments keep her as the officer, and her CSAT is the lowest.
    assert Comment.objects.filter(source="survey", response__officer=mary).exists()
    by_officer = selectors.csat_scores(selectors.ScoreFilter(code="case-csat", group="officer"))
    officers = [row for row in by_officer if row.key is not None]
    assert min(officers, key=lambda row: row.score.value).label == "Mary Collins"


def test_the_scores_page_shows_the_open_nps_and_no_row_called_none(demo_with_history, client):
    client.force_login(User.objects.get(username="sofia"))
    nps = Survey.objects.get(name__startswith=NPS_MARKER, status="open")
    assert 20 <= Response.objects.filter(survey=nps).count() < nps.invitations.count()
    page = client.get(f"/feedback/scores/?score=nps&survey={nps.pk}&group=")
    html = page.content.decode()
    assert page.status_code == 200 and "No responses answer this yet" not in html
    assert re.search(r'<th scope="row">Everyone</th>\s*<td class="num"><strong>-?\d', html)
    for score in ("servqual", "nps", "csat", "ces"):
        for group in GROUPS:
            for survey in ("", str(nps.pk)):
                url = f"/feedback/scores/?score={score}&group={group}&survey={survey}"
                page = client.get(url)
                assert page.status_code == 200, url
                labels = re.findall(r'<th scope="row">([^<]*)</th>', page.content.decode())
                assert "None" not in labels and "" not in labels, (url, labels)
    # The answers that belong to no officer or team say so in words.
    page = client.get("/feedback/scores/?score=nps&group=officer").content.decode()
    assert '<th scope="row">Not linked to an officer</th>' in page
    page = client.get("/feedback/scores/?score=nps&group=team").content.decode()
    assert '<th scope="row">No team</th>' in page
