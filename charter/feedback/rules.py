"""Survey scores as pure functions: SERVQUAL gaps, NPS, CSAT, CES, and how many invitations a
campaign needs. The formulas are the ones the product states on its pages, written with the
standard library only so they can be read against those pages.

No database: the services gather the answers and store or show what comes back. Bad input
(a score off the scale, a dimension that does not exist) raises ValueError, because it means
the caller let through something the survey form never offers.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist, fmean

# --- Shared shapes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Mean:
    """An average and how many values it was taken over; ``value`` is None when ``n`` is 0."""

    value: float | None
    n: int


@dataclass(frozen=True)
class Share:
    """A percentage (0..100) of ``n`` answers; ``value`` is None when ``n`` is 0."""

    value: float | None
    n: int
    satisfied: int


def _mean(values: list[float]) -> Mean:
    return Mean(fmean(values) if values else None, len(values))


def _whole(value: object) -> bool:
    # bool is an int in Python, but True is not an answer on a scale.
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _checked_scores(scores: Iterable[int], low: int, high: int, name: str) -> list[int]:
    checked = []
    for score in scores:
        if not _whole(score):
            raise ValueError(f"{name} answers are whole numbers from {low} to {high}: {score!r}.")
        if not low <= score <= high:
            raise ValueError(f"{name} answers run from {low} to {high}: {score!r} is outside.")
        checked.append(int(score))
    return checked


def _ceil(x: float) -> int:
    # A quotient like 278 / (1/3) comes out a hair above 834 in binary floating point; that
    # hair must not add a whole invitation or response.
    return math.ceil(x - 1e-9)


def change(current: float | None, previous: float | None) -> float | None:
    """How far a score moved since the previous run of the campaign; None if either is
    missing."""
    if current is None or previous is None:
        return None
    return current - previous


# --- SERVQUAL / RATER --------------------------------------------------------------------------

RELIABILITY = "reliability"
ASSURANCE = "assurance"
TANGIBLES = "tangibles"
EMPATHY = "empathy"
RESPONSIVENESS = "responsiveness"
DIMENSIONS = (RELIABILITY, ASSURANCE, TANGIBLES, EMPATHY, RESPONSIVENESS)

POINTS_NOT_100 = "points do not add up to 100"
NO_ANSWERS_FOR_WEIGHTED = "no answers for a weighted dimension"
POINTS_NOT_WHOLE = "points are not whole numbers of 0 or more"
EXCLUSION_REASONS = (POINTS_NOT_100, NO_ANSWERS_FOR_WEIGHTED, POINTS_NOT_WHOLE)


@dataclass(frozen=True)
class ServqualAnswer:
    """One respondent's two answers to one item: what they expect of an excellent service and
    what they found with us. Either may be None when left blank."""

    respondent: Hashable
    item: str
    dimension: str
    expectation: int | None
    perception: int | None


@dataclass(frozen=True)
class ServqualScores:
    """Gaps (perception - expectation): below 0 means we fall short of what customers expect.

    ``items`` and ``dimensions`` are mean gaps with the number of respondents behind each;
    ``unweighted`` is the mean of the five dimension scores; ``weighted`` uses each
    respondent's own 100 points; ``weights`` is the mean points per dimension; ``excluded``
    counts respondents left out of the weighted score, by reason; ``respondents`` counts
    everyone who appears in the answers or the points.
    """

    items: dict[str, Mean]
    dimensions: dict[str, Mean]
    unweighted: float | None
    weighted: Mean
    weights: dict[str, float | None]
    excluded: dict[str, int]
    respondents: int


def servqual(
    answers: Iterable[ServqualAnswer],
    points: Mapping[Hashable, Mapping[str, int]] | None = None,
    reverse_items: frozenset[str] = frozenset(),
    scale_max: int = 7,
) -> ServqualScores:
    """Score a SERVQUAL questionnaire.

    An item's gap is perception - expectation, counted only when both were answered.
    Negatively worded items (``reverse_items``) are reverse-scored first, on both parts, so
    that a high score always means a good service. A respondent's dimension gap is the mean of
    their item gaps in it; the dimension score is the mean of those over respondents, so each
    person counts once however many items they answered.
    """
    if not _whole(scale_max) or scale_max < 2:
        raise ValueError(f"The scale must run from 1 to at least 2, not to {scale_max!r}.")
    dimension_of: dict[str, str] = {}
    item_gaps: dict[str, list[float]] = {}
    # respondent -> dimension -> that respondent's item gaps in it
    person_gaps: dict[Hashable, dict[str, list[float]]] = {}
    seen: set[tuple[Hashable, str]] = set()
    respondents: set[Hashable] = set()

    for answer in answers:
        item = answer.item
        if answer.dimension not in DIMENSIONS:
            raise ValueError(
                f"Item {item!r} is in {answer.dimension!r}, which is not a SERVQUAL dimension "
                f"({', '.join(DIMENSIONS)})."
            )
        if dimension_of.setdefault(item, answer.dimension) != answer.dimension:
            raise ValueError(
                f"Item {item!r} is in both {dimension_of[item]!r} and {answer.dimension!r}."
            )
        if (answer.respondent, item) in seen:
            raise ValueError(f"Respondent {answer.respondent!r} answered item {item!r} twice.")
        seen.add((answer.respondent, item))
        respondents.add(answer.respondent)
        item_gaps.setdefault(item, [])

        parts = []
        for part, score in (("expectation", answer.expectation), ("perception", answer.perception)):
            if score is not None and (not _whole(score) or not 1 <= score <= scale_max):
                raise ValueError(
                    f"Item {item!r} has {part} {score!r}; answers run from 1 to {scale_max}."
                )
            if score is not None and item in reverse_items:
                score = scale_max + 1 - score
            parts.append(score)
        expectation, perception = parts
        if expectation is None or perception is None:
            continue
        gap = perception - expectation
        item_gaps[item].append(gap)
        person_gaps.setdefault(answer.respondent, {}).setdefault(answer.dimension, []).append(gap)

    # Each respondent's dimension gap: the mean of their own item gaps there.
    dimension_gap = {
        person: {dimension: fmean(gaps) for dimension, gaps in by_dimension.items()}
        for person, by_dimension in person_gaps.items()
    }
    dimensions = {
        d: _mean([gaps[d] for gaps in dimension_gap.values() if d in gaps]) for d in DIMENSIONS
    }
    # The mean of the five dimensions, not of the items: a dimension asked with five items
    # must not outweigh one asked with four.
    scores = [dimensions[d].value for d in DIMENSIONS]
    unweighted = None if None in scores else fmean(scores)

    weighted, weights, excluded = _weighted(points, dimension_gap)
    respondents.update(points or {})
    return ServqualScores(
        items={item: _mean(gaps) for item, gaps in item_gaps.items()},
        dimensions=dimensions,
        unweighted=unweighted,
        weighted=weighted,
        weights=weights,
        excluded=excluded,
        respondents=len(respondents),
    )


def _weighted(
    points: Mapping[Hashable, Mapping[str, int]] | None,
    dimension_gap: dict[Hashable, dict[str, float]],
) -> tuple[Mean, dict[str, float | None], dict[str, int]]:
    """The weighted score from each respondent's own allocation of 100 points.

    Weighted per respondent, then averaged: a respondent's points apply to their own gaps.
    Averaging the weights first and applying them to the averaged gaps gives a different
    number whenever what people value and how we serve them go together.
    """
    excluded = dict.fromkeys(EXCLUSION_REASONS, 0)
    valid: list[dict[str, int]] = []
    scores: list[float] = []
    for person, allocation in (points or {}).items():
        unknown = set(allocation) - set(DIMENSIONS)
        if unknown:
            raise ValueError(
                f"Respondent {person!r} gave points to {', '.join(map(repr, sorted(unknown)))}, "
                "which is not a SERVQUAL dimension."
            )
        # A dimension left out of the allocation got no points.
        given = {d: allocation.get(d, 0) for d in DIMENSIONS}
        if not all(_whole(p) and p >= 0 for p in given.values()):
            excluded[POINTS_NOT_WHOLE] += 1
            continue
        if sum(given.values()) != 100:
            excluded[POINTS_NOT_100] += 1
            continue
        valid.append(given)
        gaps = dimension_gap.get(person, {})
        if any(p > 0 and d not in gaps for d, p in given.items()):
            excluded[NO_ANSWERS_FOR_WEIGHTED] += 1
            continue
        scores.append(sum(p / 100 * gaps[d] for d, p in given.items() if p > 0))
    weights = {d: fmean([a[d] for a in valid]) if valid else None for d in DIMENSIONS}
    return _mean(scores), weights, excluded


# --- Net Promoter Score ------------------------------------------------------------------------

Z_95 = 1.96


@dataclass(frozen=True)
class NpsScore:
    """NPS in points from -100 to 100, with its 95% margin of error in the same points."""

    score: float | None
    margin: float | None
    n: int
    promoters: int
    passives: int
    detractors: int


def nps(scores: Iterable[int]) -> NpsScore:
    """Net Promoter Score from 0..10 answers: promoters 9-10, passives 7-8, detractors 0-6.

    NPS = 100 * (promoters - detractors) / n. The margin is 100 * 1.96 * the standard error of
    a difference of multinomial proportions, sqrt(((p_p + p_d) - (p_p - p_d)²) / n), where
    p_p and p_d are the shares of promoters and detractors: the two shares come from the same
    answers, so their errors are not independent. One answer gives a score but no margin:
    spread cannot be estimated from a single answer.
    """
    checked = _checked_scores(scores, 0, 10, "Recommendation")
    promoters = sum(1 for s in checked if s >= 9)
    detractors = sum(1 for s in checked if s <= 6)
    return nps_from_counts(promoters, len(checked) - promoters - detractors, detractors)


def nps_from_counts(promoters: int, passives: int, detractors: int) -> NpsScore:
    """NPS from the three groups' counts (as a database counts them), as ``nps``."""
    n = promoters + passives + detractors
    if n == 0:
        return NpsScore(None, None, 0, 0, 0, 0)
    p_p, p_d = promoters / n, detractors / n
    margin = None
    if n >= 2:
        # max(0, …): when everyone is in one group the variance is 0 up to rounding.
        variance = max(0.0, (p_p + p_d) - (p_p - p_d) ** 2)
        margin = 100 * Z_95 * math.sqrt(variance / n)
    return NpsScore(100 * (p_p - p_d), margin, n, promoters, passives, detractors)


# --- CSAT and CES ------------------------------------------------------------------------------


def csat(scores: Iterable[int]) -> Share:
    """Customer satisfaction: the percentage of 1..5 answers that are 4 or 5."""
    checked = _checked_scores(scores, 1, 5, "Satisfaction")
    satisfied = sum(1 for s in checked if s >= 4)
    value = 100 * satisfied / len(checked) if checked else None
    return Share(value, len(checked), satisfied)


def csat_from_counts(satisfied: int, n: int) -> Share:
    return Share(100 * satisfied / n if n else None, n, satisfied)


def ces(scores: Iterable[int]) -> Mean:
    """Customer effort: the mean of 1..7 answers."""
    return _mean(_checked_scores(scores, 1, 7, "Effort"))


# --- How many to invite ------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleSize:
    """Responses needed for the margin asked, and invitations to send to get them."""

    completed: int
    invitations: int
    z: float


def invitations_needed(
    margin: float,
    population: int,
    response_rate: float,
    confidence: float = 0.95,
    proportion: float = 0.5,
) -> SampleSize:
    """Cochran's sample size with the finite-population correction, then invitations.

    ``margin`` is a fraction (0.05 for ±5 points). n0 = z² p(1 - p) / e², corrected to
    n0 / (1 + (n0 - 1) / N) for a population of N; we cannot hear from more people than there
    are, nor invite more. p = 0.5 is the cautious choice: it needs the most responses.
    """
    if not 0 < margin < 1:
        raise ValueError(
            f"The margin is a fraction between 0 and 1 (0.05 for ±5 points): {margin}."
        )
    if not _whole(population) or population < 1:
        raise ValueError(f"The population is a count of 1 or more people: {population!r}.")
    if not 0 < response_rate <= 1:
        raise ValueError(
            f"The response rate is a fraction above 0 and at most 1 (1/3 for one in three): "
            f"{response_rate}."
        )
    if not 0 < confidence < 1:
        raise ValueError(f"The confidence is a fraction between 0 and 1 (0.95): {confidence}.")
    if not 0 < proportion < 1:
        raise ValueError(f"The expected proportion is between 0 and 1 (0.5): {proportion}.")
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    n0 = z**2 * proportion * (1 - proportion) / margin**2
    n = n0 / (1 + (n0 - 1) / population)
    completed = min(population, _ceil(n))
    return SampleSize(completed, invitations_for(completed, response_rate, population), z)


def invitations_for(completed: int, response_rate: float, population: int | None = None) -> int:
    """Invitations to send to expect ``completed`` responses, never more than the population:
    100 responses at one in three means sending 300."""
    if not 0 < response_rate <= 1:
        raise ValueError(
            f"The response rate is a fraction above 0 and at most 1 (1/3 for one in three): "
            f"{response_rate}."
        )
    invitations = _ceil(completed / response_rate)
    return invitations if population is None else min(population, invitations)


def response_rate_from(sent: int, returned: int) -> float | None:
    """The share of invitations that came back, from a previous campaign; None if none were
    sent."""
    if sent < 0 or returned < 0:
        raise ValueError(f"Counts cannot be negative: {sent} sent, {returned} returned.")
    if returned > sent:
        raise ValueError(f"More came back ({returned}) than were sent ({sent}).")
    return returned / sent if sent else None
