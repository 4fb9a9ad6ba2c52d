"""Scores read from the database (grouped by period, team and officer) agree with the same
scores computed independently here from the generated answers, in a fixed number of queries."""

import random
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from charter.accounts.models import Team
from charter.feedback import page_selectors, selectors
from charter.feedback.models import Answer, Question, Response

from .conftest import questionnaire

MEL = ZoneInfo("Australia/Melbourne")


def _responses(code, n, seed, make_answers, **fields):
    q = questionnaire(code)
    questions = {x.key: x for x in Question.objects.filter(section__questionnaire=q)}
    rnd = random.Random(seed)
    made = []
    for i in range(n):
        month = 1 + i % 6
        response = Response.objects.create(
            questionnaire=q,
            submitted_at=datetime(2026, month, 10, 12, tzinfo=MEL),
            **{k: (v(i) if callable(v) else v) for k, v in fields.items()},
        )
        answers = make_answers(rnd, questions, response)
        Answer.objects.bulk_create(answers)
        made.append((response, answers))
    return made


def _nps_answers(rnd, questions, response):
    q = questions["recommend"]
    return [Answer(response=response, question=q, role="nps", number=rnd.randint(0, 10))]


def _independent_nps(scores):
    n = len(scores)
    pro = sum(s >= 9 for s in scores) / n
    det = sum(s <= 6 for s in scores) / n
    margin = 1.96 * ((pro + det - (pro - det) ** 2) / n) ** 0.5 * 100 if n > 1 else None
    return (pro - det) * 100, margin


def test_nps_by_month_agrees_with_an_independent_count(db):
    made = _responses("nps", 120, 7, _nps_answers)
    by_month = defaultdict(list)
    for response, [answer] in made:
        by_month[response.submitted_at.astimezone(MEL).month].append(answer.number)
    rows = selectors.nps_scores(selectors.ScoreFilter(code="nps", group="month"))
    assert [r.label for r in rows] == [
        f"{m} 2026" for m in ("Jan", "Feb", "Mar", "Apr", "May", "Jun")
    ]
    for row, month in zip(rows, range(1, 7), strict=True):
        score, margin = _independent_nps(by_month[month])
        assert row.score.n == len(by_month[month])
        assert row.score.score == pytest.approx(score)
        assert row.score.margin == pytest.approx(margin)


def test_csat_and_ces_by_team_and_officer(db, make_user):
    teams = [Team.objects.create(name=f"Team {t}", slug=f"team-{t}") for t in "AB"]
    officers = [make_user("cso", username=f"officer{n}") for n in range(3)]

    def csat_answers(rnd, questions, response):
        return [
            Answer(
                response=response,
                question=questions["satisfaction"],
                role="csat",
                number=rnd.randint(1, 5),
            )
        ]

    made = _responses(
        "case-csat",
        90,
        11,
        csat_answers,
        team=lambda i: teams[i % 2],
        officer=lambda i: officers[i % 3],
    )
    expected = defaultdict(list)
    for response, [answer] in made:
        expected[response.team.name].append(answer.number)
    rows = selectors.csat_scores(selectors.ScoreFilter(code="case-csat", group="team"))
    assert {r.label for r in rows} == {"Team A", "Team B"}
    for row in rows:
        scores = expected[row.label]
        assert row.score.value == pytest.approx(100 * sum(s >= 4 for s in scores) / len(scores))
    by_officer = selectors.csat_scores(selectors.ScoreFilter(code="case-csat", group="officer"))
    assert sorted(r.label for r in by_officer) == sorted(o.get_full_name() for o in officers)

    def ces_answers(rnd, questions, response):
        return [
            Answer(
                response=response,
                question=questions["effort"],
                role="ces",
                number=rnd.randint(1, 7),
            )
        ]

    ces_made = _responses("ces", 25, 3, ces_answers)
    [row] = selectors.ces_scores(selectors.ScoreFilter(code="ces"))
    numbers = [a.number for _, [a] in ces_made]
    assert row.score.value == pytest.approx(sum(numbers) / len(numbers))
    assert row.score.n == 25


def test_empty_and_single_response_groups(db):
    assert selectors.nps_scores(selectors.ScoreFilter(code="nps")) == []
    assert selectors.servqual_scores(selectors.ScoreFilter(code="rater-servqual")) == []
    _responses("nps", 1, 1, _nps_answers)
    [row] = selectors.nps_scores(selectors.ScoreFilter(code="nps"))
    assert row.score.n == 1 and row.score.margin is None


def _servqual_answers(rnd, questions, response):
    answers = []
    for q in questions.values():
        if q.kind == "servqual" and rnd.random() > 0.05:  # a few left unanswered
            answers.append(
                Answer(
                    response=response,
                    question=q,
                    role="servqual",
                    dimension=q.dimension,
                    expectation=rnd.randint(4, 7),
                    perception=rnd.randint(1, 7),
                )
            )
    dims = ["reliability", "assurance", "tangibles", "empathy", "responsiveness"]
    cuts = sorted(rnd.randint(0, 100) for _ in range(4))
    points = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    if rnd.random() < 0.1:
        points[0] += 5  # does not add up to 100: left out of the weighted score
    answers.extend(
        Answer(
            response=response, question=questions["weights"], role="weights", dimension=d, number=p
        )
        for d, p in zip(dims, points, strict=True)
    )
    return answers


def test_servqual_agrees_with_an_independent_computation(db):
    reverse = Question.objects.filter(
        key="e2", section__questionnaire=questionnaire("rater-servqual")
    )
    reverse.update(reverse_scored=True)
    made = _responses("rater-servqual", 80, 5, _servqual_answers)
    reversed_keys = {"e2"}

    # Independently: a respondent's dimension gap is the mean of their item gaps.
    dims = ["reliability", "assurance", "tangibles", "empathy", "responsiveness"]
    respondent_gaps, weighted = [], []
    for _response, answers in made:
        gaps = defaultdict(list)
        points = {}
        for a in answers:
            if a.role == "servqual":
                e, p = a.expectation, a.perception
                if a.question.key in reversed_keys:
                    e, p = 8 - e, 8 - p
                gaps[a.dimension].append(p - e)
            else:
                points[a.dimension] = a.number
        means = {d: sum(v) / len(v) for d, v in gaps.items()}
        respondent_gaps.append(means)
        if sum(points.values()) == 100 and all(d in means for d, p in points.items() if p):
            weighted.append(sum(means[d] * p / 100 for d, p in points.items() if p))
    dimension_scores = {
        d: sum(g[d] for g in respondent_gaps if d in g)
        / len([g for g in respondent_gaps if d in g])
        for d in dims
    }
    [row] = selectors.servqual_scores(selectors.ScoreFilter(code="rater-servqual"))
    for d in dims:
        assert row.score.dimensions[d].value == pytest.approx(dimension_scores[d])
    assert row.score.unweighted == pytest.approx(sum(dimension_scores.values()) / 5)
    assert row.score.weighted.value == pytest.approx(sum(weighted) / len(weighted))
    assert row.score.weighted.n == len(weighted) < 80  # some allocations did not add up
    items = {
        i["key"]: i for i in selectors.servqual_items(selectors.ScoreFilter(code="rater-servqual"))
    }
    e2 = [
        a for _, answers in made for a in answers if a.role == "servqual" and a.question.key == "e2"
    ]
    assert items["e2"]["gap"] == pytest.approx(
        sum((8 - a.perception) - (8 - a.expectation) for a in e2) / len(e2)
    )


def test_the_scores_page_reads_in_the_same_queries_whatever_the_responses(client, analyst):
    client.force_login(analyst)
    url = "/feedback/scores/?score=servqual&group=month"
    _responses("rater-servqual", 6, 1, _servqual_answers)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _responses("rater-servqual", 60, 2, _servqual_answers)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(few) == len(many)
    assert "Tangibles" in page.content.decode() and "<svg" in page.content.decode()
    for score in ("nps", "csat", "ces"):
        assert client.get(f"/feedback/scores/?score={score}&group=team").status_code == 200


def test_nps_by_segment_counts_answers_from_customers_in_it_when_they_answered(
    db, manager, make_customer
):
    from charter.customers import services as customer_services
    from charter.customers.models import SegmentMembership

    big = [make_customer(name=f"Big {n}", annual_value=500000) for n in range(4)]
    small = [make_customer(name=f"Small {n}", annual_value=10) for n in range(3)]
    segment = customer_services.segment_save(
        actor=manager,
        name="Key accounts",
        conditions=[{"attribute": "annual_value", "operator": "gte", "value": "250000"}],
    )
    customer_services.segment_evaluate(segment=segment, actor=manager)
    SegmentMembership.objects.update(entered_at=datetime(2026, 1, 1, tzinfo=MEL))
    scores = {c.pk: s for c, s in zip(big + small, [10, 9, 3, 8, 0, 10, 10], strict=True)}
    nps = questionnaire("nps")
    recommend = Question.objects.get(section__questionnaire=nps, key="recommend")
    for customer in big + small:
        response = Response.objects.create(
            questionnaire=nps,
            customer=customer,
            submitted_at=datetime(2026, 3, 1, 12, tzinfo=MEL),
        )
        Answer.objects.create(
            response=response, question=recommend, role="nps", number=scores[customer.pk]
        )
    # One who answered before they joined the segment does not count in it.
    early = Response.objects.create(
        questionnaire=nps, customer=big[0], submitted_at=datetime(2025, 6, 1, tzinfo=MEL)
    )
    Answer.objects.create(response=early, question=recommend, role="nps", number=0)
    [row] = selectors.nps_scores(selectors.ScoreFilter(code="nps", group="segment"))
    assert row.label == "Key accounts"
    # 10, 9, 3, 8: two promoters, one detractor, one passive of four.
    assert (row.score.n, row.score.promoters, row.score.detractors) == (4, 2, 1)
    assert row.score.score == pytest.approx(25.0)
    for score in ("servqual", "nps", "csat", "ces"):
        assert selectors.GROUPS["segment"] == "Segment"
        rows = page_selectors.SCORE_KINDS[score][1](selectors.ScoreFilter(code="", group="segment"))
        assert all(r.label == "Key accounts" for r in rows)
