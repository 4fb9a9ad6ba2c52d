"""Sorting customer comments by topic, RATER dimension and sentiment: a transparent baseline.

Each of the three is a logistic regression over tf-idf weighted word 1-2 grams and character
2-4 grams taken within words (so "6mm", "6 mm" and "delievery" still share features with what
was learnt). The sentiment head also reads sentiment cues (``cues.py``: word valences from a
lexicon, read through negation and "but"), which carry it over words and turns its training
comments lack. Each head's confidences are calibrated by one temperature, fitted by
cross-validation on the training comments (``fit_temperatures``), so that a comment sorted with
0.8 is right about four times in five.

Every weight can be read off and the fitting is scikit-learn's own. Only the prediction is done
here by hand, with the same arithmetic, because the library's per-call checks cost more than the
sums themselves when a comment is sorted as it arrives; the tests hold the two to the same
probabilities.

The training comments are ``data/starter_comments.csv`` and ``data/varied_comments.csv``;
``data/unseen_comments.csv`` was written apart from them, in other voices, and is only ever
scored on (``data/README.md``).

Pure Python and scikit-learn: no models, no database.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from .cues import cues, lowered_cues

TOPICS = (
    "delivery",
    "product_quality",
    "staff_manner",
    "information",
    "pricing_billing",
    "website_systems",
    "waiting_time",
    "other",
)
DIMENSIONS = ("reliability", "assurance", "tangibles", "empathy", "responsiveness")
SENTIMENTS = ("positive", "neutral", "negative")
HEADS = ("topic", "dimension", "sentiment")
CUE_HEADS = ("sentiment",)  # the heads that read the sentiment cues as well as the words

DATA = Path(__file__).resolve().parent / "data"
TRAINING_CSVS = (DATA / "starter_comments.csv", DATA / "varied_comments.csv")
UNSEEN_CSV = DATA / "unseen_comments.csv"  # for measuring only: never train on it
# Each head's scores are divided by its temperature before the softmax: below 1 where the model
# was too unsure of itself, above 1 where too sure. Fitted by fit_temperatures() on the shipped
# training comments (5 folds, seed 2026); a test says when they need fitting again.
TEMPERATURES = {"topic": 0.62, "dimension": 0.86, "sentiment": 1.17}

# Chosen on the starter data (repeated 4-fold cross-validation): characters 2-4 score as well as
# 2-5 or 3-5 with the smallest vocabulary; C=10 and balanced class weights help the rarer labels.
WORD_SETTINGS = {"ngram_range": (1, 2), "sublinear_tf": True, "dtype": np.float32}
CHAR_SETTINGS = {
    "analyzer": "char_wb",
    "ngram_range": (2, 4),
    "sublinear_tf": True,
    "dtype": np.float32,
}
CUE_SETTINGS = {"analyzer": cues, "sublinear_tf": True, "dtype": np.float32}
CUE_WEIGHT = 1.0  # the cue block's length, against 1 for the words' and the characters'
MODEL_SETTINGS = {"C": 10.0, "class_weight": "balanced", "max_iter": 2000}
_CACHE_WORDS = 50_000  # distinct words whose character n-grams are remembered


@dataclass(frozen=True)
class LabelledComment:
    comment: str
    topic: str
    dimension: str
    sentiment: str


class Sorted(NamedTuple):
    """Where one comment was sorted, each with the model's probability for it (0..1).

    A named tuple rather than a frozen dataclass: as read-only, and made ten times faster,
    which counted for a sixth of the time to sort a batch."""

    topic: str
    topic_confidence: float
    dimension: str
    dimension_confidence: float
    sentiment: str
    sentiment_confidence: float


def starter_comments() -> list[LabelledComment]:
    """The comments Charter ships to train on, written for Innovative Widgets and labelled by
    hand: the first 480 in whole sentences, then more in the voices customers use (short,
    sarcastic, mixed, misspelt, negated)."""
    return [row for path in TRAINING_CSVS for row in _read(path)]


def unseen_comments() -> list[LabelledComment]:
    """Comments written apart from the training ones, in other voices, to measure the
    categoriser on. Never train on them."""
    return _read(UNSEEN_CSV)


def _read(path: Path) -> list[LabelledComment]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            LabelledComment(row["comment"], row["topic"], row["dimension"], row["sentiment"])
            for row in csv.DictReader(handle)
        ]


# --- Features ---------------------------------------------------------------------------------
class _Features:
    """Word n-grams, character n-grams and sentiment cues: three blocks, each tf-idf weighted and
    of unit length on its own."""

    def __init__(self, texts: Sequence[str], with_cues: bool = True):
        self.words = _fitted(TfidfVectorizer(**WORD_SETTINGS), texts)
        self.chars = _fitted(TfidfVectorizer(**CHAR_SETTINGS), texts)
        if self.words is None and self.chars is None:
            raise ValueError("The comments have no words to learn from: they are all blank.")
        # Every text has a cue or two (its length at least), so this block is never empty.
        self.cues = TfidfVectorizer(**CUE_SETTINGS).fit(texts) if with_cues else None
        self.n_words = len(self.words.vocabulary_) if self.words else 0
        self.n_chars = len(self.chars.vocabulary_) if self.chars else 0
        self.n_text = self.n_words + self.n_chars
        self.width = self.n_text + (len(self.cues.vocabulary_) if self.cues else 0)
        idf = [v.idf_ for v in (self.words, self.chars, self.cues) if v is not None]
        self.idf = np.concatenate(idf).astype(np.float32)
        self._word_grams = self.words.build_analyzer() if self.words else None
        self._word_columns = self.words.vocabulary_ if self.words else {}
        # The library's word analyser, written out for the settings above (lower case, its
        # token pattern, 1-2 grams): the same n-grams without its function calls per comment.
        plain = self.words is not None and self.words.ngram_range == (1, 2)
        self._tokens = re.compile(self.words.token_pattern) if plain else None
        self._char_grams = self.chars.build_analyzer() if self.chars else None
        self._char_columns = (
            {gram: i + self.n_words for gram, i in self.chars.vocabulary_.items()}
            if self.chars
            else {}
        )
        self._cue_columns = (
            {cue: i + self.n_text for cue, i in self.cues.vocabulary_.items()}
            if self.cues
            else None
        )
        # char_wb n-grams never cross a space, so a word's columns are worth remembering: the
        # same few thousand words make up most comments. Each word remembered has an id; its
        # columns are kept as a list (for one comment) and in flat arrays (for a batch).
        self._forget_words()

    def __getstate__(self) -> dict:
        # Pickled without the words remembered while sorting: they are this process's, and
        # would make a stored model grow with every comment it had sorted.
        state = self.__dict__.copy()
        for name in ("_ids", "_char_lists", "_flat"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._forget_words()

    def fitted_matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The library's own transform, used for training (and to check ours against)."""
        blocks = [v.transform(texts) for v in (self.words, self.chars) if v is not None]
        if self.cues is not None:
            blocks.append(self.cues.transform(texts) * CUE_WEIGHT)
        return sparse.hstack(blocks, format="csr", dtype=np.float32)

    def columns(self, text: str) -> list[int]:
        """The column of every known n-gram and cue in ``text``, once per occurrence."""
        lowered = text.lower()
        found = self._word_and_cue_columns(lowered, text)
        if self._char_grams is not None:
            if len(self._char_lists) >= _CACHE_WORDS:
                self._forget_words()
            lists = self._char_lists
            for word_id in self._word_ids(lowered.split()):
                found += lists[word_id]
        return found

    def matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The same numbers as ``fitted_matrix``, several times faster: the words' character
        n-grams are gathered by numpy from what is remembered of each word."""
        if len(self._char_lists) >= _CACHE_WORDS:
            self._forget_words()
        n = len(texts)
        small: list[int] = []  # word n-gram and cue columns, comment after comment
        small_sizes: list[int] = []
        word_ids: list[int] = []  # the id of every word, comment after comment
        word_sizes: list[int] = []
        for text in texts:
            lowered = text.lower()
            columns = self._word_and_cue_columns(lowered, text)
            small += columns
            small_sizes.append(len(columns))
            if self._char_grams is not None:
                ids = self._word_ids(lowered.split())
                word_ids += ids
                word_sizes.append(len(ids))
        small_sizes = np.asarray(small_sizes, dtype=np.intp)
        char_sizes = np.zeros(n, dtype=np.intp)
        if word_ids:
            flat, starts, lengths = self._flat_char_columns()
            ids = np.asarray(word_ids, dtype=np.intp)
            sizes = lengths[ids]
            chars = flat[_spread(starts[ids], sizes)]  # every occurrence's columns in turn
            char_sizes = np.bincount(
                np.repeat(np.arange(n), word_sizes), weights=sizes, minlength=n
            ).astype(np.intp)
        # Each comment's word and cue columns, then its character columns, row after row.
        indptr = np.zeros(n + 1, dtype=np.intp)
        np.cumsum(small_sizes + char_sizes, out=indptr[1:])
        indices = np.empty(indptr[-1], dtype=np.int32)
        indices[_spread(indptr[:-1], small_sizes)] = small
        if word_ids:
            indices[_spread(indptr[:-1] + small_sizes, char_sizes)] = chars
        counts = sparse.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(n, self.width)
        )
        counts.sum_duplicates()  # each n-gram once, with its count
        rows = np.repeat(np.arange(n), np.diff(counts.indptr))
        counts.data = self._weigh(counts.data, counts.indices, rows, n)
        return counts

    def _word_and_cue_columns(self, lowered: str, text: str) -> list[int]:
        found: list[int] = []
        if self._tokens is not None:
            get = self._word_columns.get
            tokens = self._tokens.findall(lowered)
            found = [i for i in map(get, tokens) if i is not None]
            found += [i for i in map(get, map(" ".join, pairwise(tokens))) if i is not None]
        elif self._word_grams is not None:
            get = self._word_columns.get
            found = [i for i in map(get, self._word_grams(text)) if i is not None]
        if self._cue_columns is not None:
            get = self._cue_columns.get
            found += [i for i in map(get, lowered_cues(lowered)) if i is not None]
        return found

    def _word_ids(self, words: list[str]) -> list[int]:
        ids = list(map(self._ids.get, words))
        if None in ids:
            for at, word in enumerate(words):
                if ids[at] is None:
                    ids[at] = self._ids.get(word)
                    if ids[at] is None:
                        ids[at] = self._remember(word)
        return ids

    def _remember(self, word: str) -> int:
        get = self._char_columns.get
        self._char_lists.append([i for i in map(get, self._char_grams(word)) if i is not None])
        self._ids[word] = len(self._char_lists) - 1
        return self._ids[word]

    def _forget_words(self) -> None:
        self._ids: dict[str, int] = {}
        self._char_lists: list[list[int]] = []
        self._flat = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.intp), np.zeros(0, np.intp))

    def _flat_char_columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every remembered word's columns end to end, with where each starts and its length;
        extended with the words remembered since last asked."""
        flat, starts, lengths = self._flat
        known = len(lengths)
        if known < len(self._char_lists):
            new = self._char_lists[known:]
            new_lengths = np.fromiter(map(len, new), dtype=np.intp, count=len(new))
            new_starts = len(flat) + np.cumsum(new_lengths) - new_lengths
            new_flat = np.fromiter(
                (i for columns in new for i in columns), dtype=np.int32, count=new_lengths.sum()
            )
            self._flat = flat, starts, lengths = (
                np.concatenate([flat, new_flat]),
                np.concatenate([starts, new_starts]),
                np.concatenate([lengths, new_lengths]),
            )
        return flat, starts, lengths

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One comment's non-zero (columns, values), without building a sparse matrix."""
        tally = Counter(self.columns(text))
        columns = np.fromiter(tally.keys(), dtype=np.int32, count=len(tally))
        counts = np.fromiter(tally.values(), dtype=np.float32, count=len(tally))
        return columns, self._weigh(counts, columns, np.zeros(len(tally), dtype=np.intp), 1)

    def _weigh(self, counts, columns, rows, n_rows) -> np.ndarray:
        # As TfidfVectorizer does: 1 + log(count), times idf, then each block of a row scaled to
        # unit length (each block separately, as three vectorisers would).
        values = (1 + np.log(counts)) * self.idf[columns]
        block = rows * 3 + (columns >= self.n_words) + (columns >= self.n_text)
        norms = np.sqrt(np.bincount(block, weights=values * values, minlength=3 * n_rows))
        values /= norms[block]
        values[columns >= self.n_text] *= CUE_WEIGHT
        return values.astype(np.float32)


def _spread(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The positions ``starts[i], starts[i] + 1, ...`` for ``sizes[i]`` places, for every i."""
    ends = np.cumsum(sizes)
    return np.repeat(starts - (ends - sizes), sizes) + np.arange(ends[-1] if len(ends) else 0)


def _fitted(vectoriser: TfidfVectorizer, texts: Sequence[str]) -> TfidfVectorizer | None:
    try:
        return vectoriser.fit(texts)
    except ValueError:  # an empty vocabulary (say, no word of two letters): the other block copes
        return None


# --- Linear heads -----------------------------------------------------------------------------
class _Heads:
    """Fitted features and linear models whose weights sit side by side in one matrix, so that
    one multiplication scores every label of every head."""

    def __init__(
        self,
        features: _Features,
        models: dict[str, LogisticRegression],
        temperatures: dict[str, float] | None = None,
    ):
        self.features = features
        self.models = models
        self.temperatures = {name: (temperatures or {}).get(name, 1.0) for name in models}
        self.spans: dict[str, tuple[slice, np.ndarray]] = {}
        weights, biases, start = [], [], 0
        for name, model in models.items():
            # Dividing the weights by the temperature divides every score by it, at no cost.
            coef = model.coef_ / self.temperatures[name]
            intercept = model.intercept_ / self.temperatures[name]
            if len(model.classes_) == 2:
                # Two labels give one row of log-odds; the softmax of (0, z) is the logistic of z.
                coef = np.vstack([np.zeros_like(coef), coef])
                intercept = np.concatenate([[0.0], intercept])
            # A head that does not read the cues weighs their columns at zero.
            coef = np.hstack([coef, np.zeros((len(coef), features.width - coef.shape[1]))])
            weights.append(coef)
            biases.append(intercept)
            stop = start + len(model.classes_)
            self.spans[name] = (slice(start, stop), np.asarray(model.classes_, dtype=object))
            start = stop
        self.weights = np.ascontiguousarray(np.vstack(weights).T, dtype=np.float32)
        self.bias = np.concatenate(biases).astype(np.float32)

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: dict[str, Sequence[str]],
        with_cues: Collection[str] = (),
        temperatures: dict[str, float] | None = None,
    ) -> _Heads:
        """Fit one model per entry of ``labels``; those named in ``with_cues`` also read the
        sentiment cues, the rest only the words and characters."""
        texts = [_text(text) for text in texts]
        if len(texts) < 2:
            raise ValueError(f"Training needs at least 2 labelled comments; got {len(texts)}.")
        for name, values in labels.items():
            if len(values) != len(texts):
                raise ValueError(
                    f"There are {len(texts)} comments but {len(values)} {name} labels."
                )
            distinct = sorted(set(values))
            if len(distinct) < 2:
                raise ValueError(
                    f"Training needs at least 2 different {name} labels; "
                    f"got {', '.join(map(repr, distinct)) or 'none'}."
                )
        features = _Features(texts, with_cues=bool(set(with_cues) & set(labels)))
        matrix = features.fitted_matrix(texts)
        # One BLAS thread: the problem is small, and a second thread waiting on a busy core
        # made training twenty times slower when the machine had other work.
        with threadpool_limits(limits=1, user_api="blas"):
            models = {
                name: LogisticRegression(**MODEL_SETTINGS).fit(
                    matrix if name in with_cues else matrix[:, : features.n_text],
                    list(values),
                )
                for name, values in labels.items()
            }
        return cls(features, models, temperatures)

    def model_input(self, name: str, matrix: sparse.csr_matrix) -> sparse.csr_matrix:
        """The columns of a ``fitted_matrix`` that the head's scikit-learn model reads."""
        return matrix[:, : self.models[name].coef_.shape[1]]

    def labels(self, name: str) -> tuple[str, ...]:
        return tuple(self.spans[name][1])

    def predict(self, texts: Sequence[str]) -> dict[str, tuple[list[str], list[float]]]:
        """Each head's best label and its probability, for every text."""
        scores = self.features.matrix([_text(text) for text in texts]) @ self.weights
        return self._best(scores + self.bias)

    def predict_one(self, text: str) -> dict[str, tuple[list[str], list[float]]]:
        columns, values = self.features.vector(_text(text))
        scores = values @ self.weights[columns] + self.bias
        return self._best(scores[np.newaxis, :])

    def probabilities(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Every label's probability (columns in ``labels`` order), for checks and reports."""
        scores = self.features.matrix([_text(text) for text in texts]) @ self.weights + self.bias
        return {name: _softmax(scores[:, span]) for name, (span, _) in self.spans.items()}

    def _best(self, scores: np.ndarray) -> dict[str, tuple[list[str], list[float]]]:
        best = {}
        for name, (span, classes) in self.spans.items():
            probabilities = _softmax(scores[:, span])
            top = probabilities.argmax(axis=1)
            confidence = probabilities[np.arange(len(top)), top].astype(np.float64)
            best[name] = (classes[top].tolist(), np.round(confidence, 3).tolist())
        return best


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _text(value) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


# --- One head, any labels ---------------------------------------------------------------------
class TextClassifier:
    """One head: comments in, one label of any set the training examples use (at least two).
    With ``cues`` it also reads the sentiment cues, as the categoriser's sentiment head does."""

    def __init__(self, cues: bool = False) -> None:
        self._heads: _Heads | None = None
        self._cues = cues

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TextClassifier:
        with_cues = ("label",) if self._cues else ()
        self._heads = _Heads.fit(list(texts), {"label": list(labels)}, with_cues=with_cues)
        return self

    @property
    def labels(self) -> tuple[str, ...]:
        return self._fitted().labels("label")

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """The most likely label of each text, with its probability (rounded to 3 places)."""
        labels, confidences = self._fitted().predict(list(texts))["label"]
        return list(zip(labels, confidences, strict=True))

    def predict_one(self, text: str) -> tuple[str, float]:
        labels, confidences = self._fitted().predict_one(text)["label"]
        return labels[0], confidences[0]

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Every label's probability for each text, columns in ``labels`` order."""
        return self._fitted().probabilities(list(texts))["label"]

    def _fitted(self) -> _Heads:
        if self._heads is None:
            raise ValueError("The classifier has not been trained yet: call fit() first.")
        return self._heads


# --- The three heads together -----------------------------------------------------------------
class Categoriser:
    """Topic, RATER dimension and sentiment: one vectoriser, three linear models."""

    def __init__(self, heads: _Heads):
        self._heads = heads

    @classmethod
    def train(
        cls, rows: Iterable[LabelledComment], temperatures: dict[str, float] | None = None
    ) -> Categoriser:
        """Train the three heads; ``temperatures`` default to the shipped ones."""
        rows = list(rows)
        texts = [row.comment for row in rows]
        return cls(
            _Heads.fit(
                texts,
                {head: [getattr(row, head) for row in rows] for head in HEADS},
                with_cues=CUE_HEADS,
                temperatures=TEMPERATURES if temperatures is None else temperatures,
            )
        )

    @property
    def labels(self) -> dict[str, tuple[str, ...]]:
        """The labels each head can give, e.g. ``labels["topic"]``."""
        return {head: self._heads.labels(head) for head in HEADS}

    def sort(self, comments: Sequence[str]) -> list[Sorted]:
        if len(comments) == 0:
            return []
        best = self._heads.predict(comments)
        return [Sorted(*values) for values in zip(*_interleave(best), strict=True)]

    def sort_one(self, comment: str) -> Sorted:
        best = self._heads.predict_one(comment)
        return Sorted(*(values[0] for values in _interleave(best)))

    def probabilities(self, comments: Sequence[str]) -> dict[str, np.ndarray]:
        """Every label's probability per head, columns in ``labels[head]`` order."""
        return self._heads.probabilities(comments)


def _interleave(best: dict[str, tuple[list, list]]) -> list[list]:
    # Sorted's field order: topic, its confidence, dimension, its confidence, ...
    return [column for head in HEADS for column in best[head]]


@lru_cache(maxsize=1)
def starter_categoriser() -> Categoriser:
    """The categoriser trained on the shipped training comments (once per process)."""
    return Categoriser.train(starter_comments())
