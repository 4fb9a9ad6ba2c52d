"""Survey scores against independent references: seeded survey data scored again here with
numpy arrays or the statistics module, textbook examples worked by hand, and the published
sample sizes (385 for ±5 points at 95%; 278 out of 1,000)."""

import math
import random
import statistics
from itertools import pairwise

import numpy as np
import pytest
from scipy.stats import norm

from charter.feedback import rules
from charter.feedback.rules import Mean, ServqualAnswer, Share

DIMS = ("reliability", "assurance", "tangibles", "empathy", "responsiveness")
# 22 items, 4 or 5 per dimension, as a RATER questionnaire asks them.
ITEMS = [
    *((f"rel{i}", "reliability") for i in range(1, 6)),
    *((f"ass{i}", "assurance") for i in range(1, 6)),
    *((f"tan{i}", "tangibles") for i in range(1, 5)),
    *((f"emp{i}", "empathy") for i in range(1, 5)),
    *((f"res{i}", "responsiveness") for i in range(1, 5)),
]
REVERSED = frozenset({"rel3", "ass2", "tan4", "emp1", "res2"})


def full(respondent, gaps_by_dimension, expectation=4):
    """One item per dimension, answered so the gap is the one given."""
    return [
        ServqualAnswer(respondent, f"{d}-1", d, expectation, expectation + gap)
        for d, gap in gaps_by_dimension.items()
    ]


# --- SERVQUAL against numpy --------------------------------------------------------------------


def random_split(rng):
    """100 points over the five dimensions, some of them possibly 0."""
    cuts = sorted(rng.randint(0, 100) for _ in range(4))
    edges = [0, *cuts, 100]
    return dict(zip(DIMS, (b - a for a, b in pairwise(edges)), strict=True))


def survey(seed=20240611, people=200):
    rng = random.Random(seed)
    answers = []
    for person in range(people):
        skipped = rng.choice(DIMS) if rng.random() < 0.1 else None
        for item, dimension in ITEMS:
            if dimension == skipped or rng.random() < 0.03:
                continue
            expectation = None if rng.random() < 0.08 else rng.randint(1, 7)
            perception = None if rng.random() < 0.08 else rng.randint(1, 7)
            answers.append(ServqualAnswer(person, item, dimension, expectation, perception))

    # Two people returned only the points page: valid allocations, but nothing to weight.
    points = {"only-points-1": {"reliability": 100}, "only-points-2": random_split(rng)}
    kinds = dict.fromkeys(points, "valid")
    for person in range(people):
        roll = rng.random()
        if roll < 0.55:
            points[person], kinds[person] = random_split(rng), "valid"
        elif roll < 0.65:
            points[person], kinds[person] = {rng.choice(DIMS): 100}, "valid"
        elif roll < 0.70:
            # Whole numbers, some dimensions left out: the missing ones got nothing.
            first, second = rng.sample(DIMS, 2)
            points[person], kinds[person] = {first: 60, second: 40}, "valid"
        elif roll < 0.82:
            split = random_split(rng)
            split[rng.choice(DIMS)] += rng.choice([-15, -1, 1, 20])
            if min(split.values()) < 0:
                split = {d: 10 for d in DIMS}
            points[person], kinds[person] = split, rules.POINTS_NOT_100
        elif roll < 0.86:
            points[person] = {"reliability": -10, "empathy": 110}
            kinds[person] = rules.POINTS_NOT_WHOLE
        elif roll < 0.88:
            points[person] = {"reliability": 50.5, "empathy": 49.5}
            kinds[person] = rules.POINTS_NOT_WHOLE
        # otherwise no allocation at all
    return answers, points, kinds


def reference(answers, points, kinds, people):
    """The same scores from respondent-by-item arrays, written without the module's loops."""
    ids = [*range(people), "only-points-1", "only-points-2"]
    row = {person: r for r, person in enumerate(ids)}
    col = {item: j for j, (item, _) in enumerate(ITEMS)}
    expect = np.full((len(ids), len(ITEMS)), np.nan)
    perceive = np.full((len(ids), len(ITEMS)), np.nan)
    for a in answers:
        if a.expectation is not None:
            expect[row[a.respondent], col[a.item]] = a.expectation
        if a.perception is not None:
            perceive[row[a.respondent], col[a.item]] = a.perception
    flip = [col[item] for item in REVERSED]
    expect[:, flip] = 8 - expect[:, flip]
    perceive[:, flip] = 8 - perceive[:, flip]
    gap = perceive - expect  # NaN wherever either part is missing
    answered = ~np.isnan(gap)

    items = {item: (np.nanmean(gap[:, j]), int(answered[:, j].sum())) for item, j in col.items()}
    person_dim = np.full((len(ids), len(DIMS)), np.nan)
    for k, d in enumerate(DIMS):
        cols = [col[item] for item, dim in ITEMS if dim == d]
        counts = answered[:, cols].sum(axis=1)
        sums = np.nansum(gap[:, cols], axis=1)
        person_dim[:, k] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    dims = {
        d: (np.nanmean(person_dim[:, k]), int((~np.isnan(person_dim[:, k])).sum()))
        for k, d in enumerate(DIMS)
    }

    valid = [p for p in ids if kinds.get(p) == "valid"]
    weight = np.array([[points[p].get(d, 0) for d in DIMS] for p in valid], dtype=float)
    gaps = person_dim[[row[p] for p in valid]]
    usable = ~np.any((weight > 0) & np.isnan(gaps), axis=1)
    per_person = (weight / 100 * np.nan_to_num(gaps)).sum(axis=1)
    return {
        "items": items,
        "dims": dims,
        "unweighted": np.mean([dims[d][0] for d in DIMS]),
        "weighted": (per_person[usable].mean(), int(usable.sum())),
        "weights": dict(zip(DIMS, weight.mean(axis=0), strict=True)),
        "excluded": {
            rules.POINTS_NOT_100: sum(k == rules.POINTS_NOT_100 for k in kinds.values()),
            rules.POINTS_NOT_WHOLE: sum(k == rules.POINTS_NOT_WHOLE for k in kinds.values()),
            rules.NO_ANSWERS_FOR_WEIGHTED: int((~usable).sum()),
        },
    }


def test_servqual_matches_an_array_computation_of_a_seeded_survey():
    answers, points, kinds = survey()
    got = rules.servqual(answers, points, reverse_items=REVERSED)
    want = reference(answers, points, kinds, 200)

    assert set(got.items) == {item for item, _ in ITEMS}
    for item, (value, n) in want["items"].items():
        assert got.items[item] == Mean(pytest.approx(value), n)
    for d, (value, n) in want["dims"].items():
        assert got.dimensions[d] == Mean(pytest.approx(value), n)
    assert got.unweighted == pytest.approx(want["unweighted"])
    assert got.weighted == Mean(pytest.approx(want["weighted"][0]), want["weighted"][1])
    assert got.weights == pytest.approx(want["weights"])
    assert got.excluded == want["excluded"]
    assert got.respondents == 202
    # The data exercise every path: some of each exclusion, and more than a handful used.
    assert all(count > 0 for count in got.excluded.values())
    assert got.weighted.n > 100


def test_servqual_of_nothing_has_every_dimension_empty():
    got = rules.servqual([])
    assert got.items == {}
    assert got.dimensions == dict.fromkeys(DIMS, Mean(None, 0))
    assert got.unweighted is None
    assert got.weighted == Mean(None, 0)
    assert got.weights == dict.fromkeys(DIMS)
    assert got.excluded == dict.fromkeys(rules.EXCLUSION_REASONS, 0)
    assert got.respondents == 0


def test_a_single_respondent_is_scored():
    got = rules.servqual(
        full(
            "ann",
            {"reliability": -2, "assurance": 1, "tangibles": 0, "empathy": 3, "responsiveness": -1},
        ),
        points={"ann": {"reliability": 40, "empathy": 60}},
    )
    assert got.dimensions["reliability"] == Mean(-2, 1)
    assert got.unweighted == pytest.approx(1 / 5)
    assert got.weighted == Mean(pytest.approx(0.4 * -2 + 0.6 * 3), 1)
    assert got.weights == {
        "reliability": 40,
        "assurance": 0,
        "tangibles": 0,
        "empathy": 60,
        "responsiveness": 0,
    }


def test_a_dimension_without_answers_leaves_the_unweighted_score_empty():
    got = rules.servqual(full("ann", dict.fromkeys(DIMS[:4], 1)))
    assert got.dimensions["responsiveness"] == Mean(None, 0)
    assert got.unweighted is None


def test_only_items_with_both_parts_count():
    got = rules.servqual(
        [
            ServqualAnswer("ann", "rel1", "reliability", 3, 5),
            ServqualAnswer("bob", "rel1", "reliability", None, 7),
            ServqualAnswer("cat", "rel1", "reliability", 2, None),
            ServqualAnswer("dan", "rel2", "reliability", None, None),
        ]
    )
    assert got.items == {"rel1": Mean(2, 1), "rel2": Mean(None, 0)}
    assert got.dimensions["reliability"] == Mean(2, 1)
    assert got.respondents == 4


def test_unweighted_score_is_the_mean_of_dimensions_not_of_items():
    # Reliability asked with five items, each 2 short of expectations; the other four
    # dimensions with one item each, met exactly.
    answers = [ServqualAnswer("ann", f"rel{i}", "reliability", 6, 4) for i in range(1, 6)]
    answers += [ServqualAnswer("ann", f"{d}-1", d, 5, 5) for d in DIMS[1:]]
    got = rules.servqual(answers)
    mean_of_items = statistics.mean([-2] * 5 + [0] * 4)
    assert got.unweighted == pytest.approx(-2 / 5)
    assert mean_of_items == pytest.approx(-10 / 9)
    assert got.unweighted != pytest.approx(mean_of_items)


def test_a_dimension_counts_each_respondent_once_however_many_items_they_answered():
    # Ann answered three reliability items (gap -3 each), Bob one (gap +1): the dimension is
    # the mean of the two people, not of the four answers.
    answers = [ServqualAnswer("ann", f"rel{i}", "reliability", 7, 4) for i in range(1, 4)]
    answers.append(ServqualAnswer("bob", "rel1", "reliability", 4, 5))
    got = rules.servqual(answers)
    assert got.dimensions["reliability"] == Mean(-1, 2)
    assert got.items["rel1"] == Mean(-1, 2)
    assert got.items["rel2"] == Mean(-3, 1)


def test_weighted_score_is_per_respondent_then_averaged():
    # Ann cares only for reliability, where we fall 3 short of her; Bob only for empathy,
    # where we fall 1 short. Each is served well where the other cares.
    answers = full("ann", {"reliability": -3, "empathy": 0}) + full(
        "bob", {"reliability": 0, "empathy": -1}
    )
    points = {"ann": {"reliability": 100}, "bob": {"empathy": 100}}
    got = rules.servqual(answers, points)
    assert got.weighted == Mean(pytest.approx(-2.0), 2)
    assert got.weights == {
        "reliability": 50,
        "assurance": 0,
        "tangibles": 0,
        "empathy": 50,
        "responsiveness": 0,
    }
    # Averaging weights and gaps first would say -1: it hides that each is let down where
    # it matters to them.
    weights_first = sum(
        got.weights[d] / 100 * got.dimensions[d].value for d in ("reliability", "empathy")
    )
    assert weights_first == pytest.approx(-1.0)
    assert got.weighted.value != pytest.approx(weights_first)


def test_weighted_score_excludes_bad_allocations_and_says_why():
    gaps = dict.fromkeys(DIMS, 1)
    answers = full("ok", gaps) + full("short", gaps) + full("over", gaps) + full("neg", gaps)
    answers += full("gap", dict.fromkeys(DIMS[:4], -1))  # nothing on responsiveness
    answers += full("none", gaps)  # gave no points: simply not in the weighted score
    points = {
        "ok": {"reliability": 30, "assurance": 70},
        "short": dict.fromkeys(DIMS, 19),
        "over": dict.fromkeys(DIMS, 21),
        "neg": {"reliability": 120, "assurance": -20},
        "gap": {"reliability": 50, "responsiveness": 50},
        "ghost": {"reliability": 100},  # points but no answers at all
    }
    got = rules.servqual(answers, points)
    assert got.weighted == Mean(1, 1)
    assert got.excluded == {
        "points do not add up to 100": 2,
        "no answers for a weighted dimension": 2,
        rules.POINTS_NOT_WHOLE: 1,
    }
    # Valid allocations set the importance weights even when their owner could not be scored.
    assert got.weights["reliability"] == pytest.approx((30 + 50 + 100) / 3)
    assert got.weights["responsiveness"] == pytest.approx(50 / 3)
    assert got.respondents == 7


def test_a_dimension_given_no_points_may_be_unanswered():
    answers = full("ann", {"reliability": -1, "empathy": 2})
    got = rules.servqual(answers, {"ann": {"reliability": 50, "empathy": 50, "tangibles": 0}})
    assert got.weighted == Mean(pytest.approx(0.5), 1)
    assert got.excluded[rules.NO_ANSWERS_FOR_WEIGHTED] == 0


def test_negatively_worded_items_are_reverse_scored_on_both_parts():
    # "Staff are too busy to help": expecting 2 (disagree) and finding 6 (agree) is a shortfall.
    answer = ServqualAnswer("ann", "res-busy", "responsiveness", 2, 6)
    assert rules.servqual([answer]).items["res-busy"] == Mean(4, 1)
    got = rules.servqual([answer], reverse_items=frozenset({"res-busy"}))
    assert got.items["res-busy"] == Mean(-4, 1)
    # On a 5-point scale a 1 becomes a 5.
    five = rules.servqual(
        [ServqualAnswer("ann", "q", "tangibles", 1, 2)],
        reverse_items=frozenset({"q"}),
        scale_max=5,
    )
    assert five.items["q"] == Mean((5 + 1 - 2) - (5 + 1 - 1), 1)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (ServqualAnswer("ann", "rel1", "reliability", 8, 4), "'rel1' has expectation 8"),
        (ServqualAnswer("ann", "rel1", "reliability", 4, 0), "'rel1' has perception 0"),
        (ServqualAnswer("ann", "rel1", "reliability", 4, 2.5), "'rel1' has perception 2.5"),
        (ServqualAnswer("ann", "rel1", "reliability", True, 2), "'rel1' has expectation True"),
        (ServqualAnswer("ann", "x", "courtesy", 4, 4), "'courtesy', which is not a SERVQUAL"),
    ],
)
def test_servqual_refuses_answers_off_the_scale(answer, message):
    with pytest.raises(ValueError, match=message):
        rules.servqual([answer])


def test_servqual_refuses_inconsistent_input():
    with pytest.raises(ValueError, match="'rel1' is in both 'reliability' and 'empathy'"):
        rules.servqual(
            [
                ServqualAnswer("ann", "rel1", "reliability", 4, 4),
                ServqualAnswer("bob", "rel1", "empathy", 4, 4),
            ]
        )
    with pytest.raises(ValueError, match="'ann' answered item 'rel1' twice"):
        rules.servqual([ServqualAnswer("ann", "rel1", "reliability", 4, 4)] * 2)
    with pytest.raises(ValueError, match="'courtesy', which is not a SERVQUAL dimension"):
        rules.servqual([], {"ann": {"courtesy": 100}})
    with pytest.raises(ValueError, match="scale must run from 1"):
        rules.servqual([], scale_max=1)


# --- NPS ---------------------------------------------------------------------------------------


def test_nps_textbook_example():
    # 50 promoters, 30 passives, 20 detractors of 100.
    got = rules.nps([10] * 25 + [9] * 25 + [8] * 15 + [7] * 15 + [6] * 10 + [0] * 10)
    assert (got.promoters, got.passives, got.detractors, got.n) == (50, 30, 20, 100)
    assert got.score == pytest.approx(30)
    assert got.margin == pytest.approx(1.96 * math.sqrt((0.7 - 0.09) / 100) * 100)
    assert got.margin == pytest.approx(15.31, abs=0.005)


def test_nps_matches_the_mean_and_spread_of_plus_one_zero_minus_one():
    # NPS is the mean of +1 (promoter), 0 (passive), -1 (detractor) per answer, times 100; its
    # standard error is their population standard deviation over sqrt(n).
    rng = random.Random(7)
    for n in (2, 3, 17, 250, 1000):
        answers = [rng.choice(range(11)) for _ in range(n)]
        x = np.select([np.array(answers) >= 9, np.array(answers) >= 7], [1.0, 0.0], -1.0)
        got = rules.nps(answers)
        assert got.score == pytest.approx(100 * x.mean())
        assert got.margin == pytest.approx(100 * 1.96 * x.std(ddof=0) / math.sqrt(n))
        assert got.promoters == int((x == 1).sum())
        assert got.detractors == int((x == -1).sum())
        assert got.passives == int((x == 0).sum())


def test_nps_group_boundaries():
    got = rules.nps(range(11))
    assert (got.detractors, got.passives, got.promoters) == (7, 2, 2)


def test_nps_empty_and_single():
    empty = rules.nps([])
    assert (empty.score, empty.margin, empty.n) == (None, None, 0)
    one = rules.nps([10])
    assert (one.score, one.margin, one.n) == (100, None, 1)
    assert rules.nps([3]).score == -100


def test_nps_margin_is_zero_when_everyone_is_in_one_group():
    assert rules.nps([9, 10]).margin == 0
    assert rules.nps([7, 8, 7]) == rules.NpsScore(0, 0, 3, 0, 3, 0)


@pytest.mark.parametrize(
    ("score", "message"),
    [
        (11, "run from 0 to 10: 11"),
        (-1, "-1 is outside"),
        (7.5, "whole numbers"),
        ("9", "whole numbers"),
        (None, "whole numbers"),
    ],
)
def test_nps_refuses_answers_off_the_scale(score, message):
    with pytest.raises(ValueError, match=message):
        rules.nps([9, score])


# --- CSAT and CES ------------------------------------------------------------------------------


def test_csat_matches_a_count_of_fours_and_fives():
    rng = random.Random(11)
    answers = [rng.randint(1, 5) for _ in range(333)]
    satisfied = answers.count(4) + answers.count(5)
    assert rules.csat(answers) == Share(pytest.approx(100 * satisfied / 333), 333, satisfied)
    assert rules.csat(answers).value == pytest.approx(100 * np.mean(np.array(answers) > 3))


def test_csat_edges():
    assert rules.csat([3, 3, 3]) == Share(0, 3, 0)
    assert rules.csat([]) == Share(None, 0, 0)
    assert rules.csat([4]) == Share(100, 1, 1)
    assert rules.csat([1, 2, 4, 5]) == Share(50, 4, 2)
    for bad in (0, 6, 4.0):
        with pytest.raises(ValueError, match="Satisfaction answers"):
            rules.csat([bad])


def test_ces_is_the_plain_mean():
    rng = random.Random(13)
    answers = [rng.randint(1, 7) for _ in range(271)]
    assert rules.ces(answers) == Mean(pytest.approx(statistics.mean(answers)), 271)
    assert rules.ces([]) == Mean(None, 0)
    assert rules.ces([6]) == Mean(6, 1)
    for bad in (0, 8):
        with pytest.raises(ValueError, match="Effort answers run from 1 to 7"):
            rules.ces([bad])


# --- Sample size -------------------------------------------------------------------------------


def test_published_sample_sizes():
    # ±5 points at 95% confidence, p = 0.5: n0 = 384.16, so 385 from a very large population
    # and 278 from 1,000.
    big = rules.invitations_needed(0.05, 10**9, response_rate=1)
    assert big.completed == 385
    assert big.z == pytest.approx(1.959964, abs=1e-6)
    assert big.z == pytest.approx(norm.ppf(0.975))
    assert rules.invitations_needed(0.05, 1000, response_rate=1).completed == 278


def test_invitations_at_one_in_three():
    got = rules.invitations_needed(0.05, 1000, response_rate=1 / 3)
    assert (got.completed, got.invitations) == (278, 834)
    # From 200 people: 132 responses wanted, 396 invitations by the rate, but only 200 exist.
    small = rules.invitations_needed(0.05, 200, response_rate=1 / 3)
    assert (small.completed, small.invitations) == (132, 200)


def test_the_seeds_rule_of_thumb():
    # "To get 100 responses you may need to send up to 300."
    rate = rules.response_rate_from(sent=300, returned=100)
    assert rate == pytest.approx(1 / 3)
    assert rules.invitations_for(100, rate) == 300
    assert rules.invitations_for(100, rate, population=250) == 250


def test_sample_size_matches_cochran_written_another_way():
    # N·n0 / (n0 + N - 1) is the finite-population correction rearranged; z from scipy.
    rng = random.Random(17)
    for _ in range(200):
        margin = rng.choice([0.01, 0.02, 0.03, 0.05, 0.1, 0.2])
        population = rng.randint(1, 50_000)
        confidence = rng.choice([0.8, 0.9, 0.95, 0.99])
        p = rng.choice([0.1, 0.3, 0.5, 0.8])
        rate = rng.choice([0.05, 0.2, 1 / 3, 0.5, 1])
        z = norm.ppf(1 - (1 - confidence) / 2)
        n0 = z * z * p * (1 - p) / (margin * margin)
        completed = min(population, math.ceil(round(population * n0 / (n0 + population - 1), 6)))
        got = rules.invitations_needed(margin, population, rate, confidence, p)
        assert got.completed == completed
        assert got.invitations == min(population, math.ceil(round(completed / rate, 6)))
        assert got.invitations <= population


def test_sample_size_never_exceeds_the_population():
    assert rules.invitations_needed(0.05, 1, response_rate=0.1) == rules.SampleSize(
        1, 1, pytest.approx(1.959964, abs=1e-6)
    )
    assert rules.invitations_needed(0.01, 50, response_rate=0.5).completed == 50


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"margin": 0}, "margin is a fraction between 0 and 1"),
        ({"margin": 5}, "margin is a fraction between 0 and 1"),
        ({"population": 0}, "population is a count of 1 or more"),
        ({"population": 10.5}, "population is a count of 1 or more"),
        ({"response_rate": 0}, "response rate is a fraction above 0 and at most 1"),
        ({"response_rate": 1.5}, "response rate is a fraction above 0 and at most 1"),
        ({"confidence": 1}, r"confidence is a fraction between 0 and 1 \(0.95\)"),
        ({"confidence": 95}, r"confidence is a fraction between 0 and 1 \(0.95\)"),
        ({"proportion": 0}, "expected proportion is between 0 and 1"),
    ],
)
def test_sample_size_refuses_bad_input(kwargs, message):
    args = {"margin": 0.05, "population": 1000, "response_rate": 0.3} | kwargs
    with pytest.raises(ValueError, match=message):
        rules.invitations_needed(**args)


def test_response_rate_from_a_previous_campaign():
    assert rules.response_rate_from(400, 100) == 0.25
    assert rules.response_rate_from(0, 0) is None
    with pytest.raises(ValueError, match=r"More came back \(5\) than were sent \(4\)"):
        rules.response_rate_from(4, 5)
    with pytest.raises(ValueError, match="cannot be negative"):
        rules.response_rate_from(-1, 0)
    with pytest.raises(ValueError, match="response rate is a fraction"):
        rules.invitations_for(100, 0)


# --- Trend -------------------------------------------------------------------------------------


def test_change_since_the_previous_run():
    assert rules.change(32.5, 30) == pytest.approx(2.5)
    assert rules.change(-1.2, -0.8) == pytest.approx(-0.4)
    assert rules.change(None, 30) is None
    assert rules.change(30, None) is None
