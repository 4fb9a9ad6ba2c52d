"""Sentiment cues: what a comment's words say about feeling before any training.

The categoriser learns words from its training comments, so a word it has never seen ("schmick",
"hopeless") or a turn it has seen rarely ("not unhelpful", "great, another week waiting") tells
it little. These cues give it that from a lexicon instead: the valence of each word (-4 to +4)
from VADER's lexicon, which ships inside the ``vaderSentiment`` package (only its word list is
read here, not its scoring code), and from a short list of customer-service words that lexicon
does not rate ("late", "snapped", "overcharged", "prompt"), written for Charter.

Each comment becomes a handful of tokens the model weighs like words:

- ``p2``, ``n3``...: a word of positive or negative valence, by strength (1 mild, 2, 3 strong);
  ``not_p2`` when a negator ("not", "never", "didn't", "wasnt") stands up to three words before
  it in the same clause, so "not happy" and "not bad" are told apart from "happy" and "bad";
  ``not_<word>`` for every word in a negator's reach, valenced or not ("never late"); and
  ``not_more`` where "couldn't be happier" or "can't ask for better" is praise after all;
- ``late_`` before either when it comes after "but", "though" or "however", the part of a mixed
  comment that usually carries its weight;
- ``sum_...``: the comment's overall lean, the clause after a "but" counting three times the one
  before, in a few bands; ``sum_none`` when no word has a valence;
- ``p_then_n`` and ``n_then_p``: praise in the first words, then trouble (sarcasm, or a mixed
  comment), and the reverse; ``oh_p``: praise just after "oh", "yeah" or "sure"; ``final_not``:
  a closing "... not"; ``quoted``: a 'word' in scare quotes; ``ask`` and ``exclaim``;
  ``len_...``: how many words, in bands (a one-word comment is read differently).

Misspelt words are left to the character n-grams: matching them to lexicon words one letter
away matched too many sound ones ("morning" to "mourning", "window" to "widow") and did worse.

Pure Python; no models, no database.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

NEGATORS = frozenset(
    {
        *("not", "no", "never", "none", "nobody", "nothing", "nowhere", "neither", "nor"),
        *("cannot", "without", "hardly", "barely"),
        *("isn't", "isnt", "wasn't", "wasnt", "aren't", "arent", "weren't", "werent"),
        *("don't", "dont", "doesn't", "doesnt", "didn't", "didnt", "can't", "cant"),
        *("couldn't", "couldnt", "won't", "wouldn't", "wouldnt", "shouldn't", "shouldnt"),
        *("haven't", "havent", "hasn't", "hasnt", "hadn't", "hadnt", "ain't", "aint"),
    }
)
CONTRASTS = frozenset({"but", "however", "though", "although", "except", "apart"})
# The valence of words Charter's customers use of service that VADER's general lexicon leaves
# out, on its scale (-4 to +4). Written for Charter, from the domain; not tuned on any test set.
SERVICE_WORDS = {
    # trouble
    "late": -1.5,
    "slow": -1.5,
    "overdue": -1.5,
    "forever": -1.0,
    "ages": -1.0,
    "snapped": -1.8,
    "bent": -1.2,
    "cracked": -1.6,
    "cracking": -1.4,
    "warped": -1.5,
    "stripped": -1.2,
    "rust": -1.2,
    "rusty": -1.3,
    "leaking": -1.3,
    "smashed": -1.8,
    "dented": -1.2,
    "overcharged": -2.0,
    "overpriced": -1.8,
    "pricey": -1.0,
    "expensive": -1.0,
    "ripoff": -2.3,
    "unhelpful": -1.9,
    "junk": -2.0,
    "rubbish": -2.2,
    "flimsy": -1.5,
    "duds": -1.2,
    "crashes": -1.5,
    "crashing": -1.5,
    "crashed": -1.5,
    "glitch": -1.2,
    "glitchy": -1.4,
    "buggy": -1.4,
    "dismissive": -1.8,
    "condescending": -2.0,
    "patronising": -2.0,
    "patronizing": -2.0,
    "nightmare": -2.4,
    "letdown": -2.0,
    "downhill": -1.6,
    "unreliable": -1.9,
    "incompetent": -2.3,
    "clunky": -1.2,
    "shoddy": -2.0,
    "unsafe": -2.2,
    "unacceptable": -2.3,
    "waiting": -0.8,
    "waited": -0.8,
    "again": -0.8,
    # good service
    "quick": 1.3,
    "quicker": 1.2,
    "fast": 1.2,
    "faster": 1.1,
    "prompt": 1.5,
    "promptly": 1.5,
    "early": 1.0,
    "sorted": 1.3,
    "reliable": 1.9,
    "sturdy": 1.5,
    "durable": 1.6,
    "legend": 2.5,
    "legends": 2.5,
    "gem": 2.2,
    "accurate": 1.4,
    "seamless": 1.8,
    "smooth": 1.2,
    "handy": 1.4,
    "professional": 1.6,
    "knowledgeable": 1.8,
    "knowledgable": 1.8,
    "patient": 1.4,
    "polite": 1.7,
    "thorough": 1.5,
    "decent": 1.2,
    "unreal": 1.8,
    "schmick": 2.0,
}
PHRASES = {
    ("spot", "on"): 2.0,
    ("rip", "off"): -2.3,
    ("let", "down"): -1.8,
    ("fall", "apart"): -2.0,
    ("falls", "apart"): -2.0,
    ("fell", "apart"): -2.0,
    ("falling", "apart"): -2.0,
    ("no", "good"): -1.9,
}
# Said before praise, these often mean the opposite: "oh great", "yeah brilliant", "sure, lovely".
INTERJECTIONS = frozenset({"oh", "yeah", "sure", "gee", "wow"})
WINDOW = 3  # words a negator reaches
NEGATED = -0.6  # a negated word's valence: "not good" leans less far than "bad"
BEFORE, AFTER = 0.5, 1.5  # the weight of each side of a "but"

_WORDS = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.,;:!?/]+")
# A word or two in quotes, straight or curly: "thanks for 'helping'".
_SCARE_QUOTES = re.compile(
    "(?:^|[\\s(])['\"\u2018\u201c][a-z][^'\"\u2019\u201d]{0,40}['\"\u2019\u201d](?=[\\s.,;:!?)]|$)"
)
_PUNCTUATION = frozenset(".,;:!?/")
_MODAL = frozenset({"couldn't", "couldnt", "can't", "cant", "cannot"})


@lru_cache(maxsize=1)
def lexicon() -> dict[str, float]:
    """VADER's word valences (its emoticons left out) and Charter's service words."""
    text = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text("utf-8")
    valences = {}
    for line in text.splitlines():
        word, _, rest = line.partition("\t")
        if word and word.replace("'", "").isalpha():
            valences[word] = float(rest.split("\t", 1)[0])
    valences.update(SERVICE_WORDS)
    return valences


_CONTRAST, _NEGATOR, _MODAL_NEGATOR, _PHRASE = "but", "not", "can't", "phrase"


@lru_cache(maxsize=1)
def _roles() -> dict[str, object]:
    """What each word that is not plain does: a valence (a float), or one of the roles above."""
    roles: dict[str, object] = dict(lexicon())
    roles.update(dict.fromkeys(NEGATORS, _NEGATOR))
    roles.update(dict.fromkeys(_MODAL, _MODAL_NEGATOR))
    roles.update(dict.fromkeys(CONTRASTS, _CONTRAST))
    roles.update(dict.fromkeys((first for first, _ in PHRASES), _PHRASE))
    return roles


def cues(text: str) -> list[str]:
    """The cue tokens of one comment (see the module's docstring)."""
    return lowered_cues(text.lower())


def lowered_cues(lowered: str) -> list[str]:
    """``cues`` of a text already in lower case."""
    # Written for speed (it runs for every comment sorted): plain words, the most, take the
    # shortest path through the loop.
    if "\u2019" in lowered:
        lowered = lowered.replace("\u2019", "'")
    words = _WORDS.findall(lowered)
    roles = _roles()
    found: list[str] = []
    scope = 0  # words still under a negator
    after = False  # past a "but"
    sums = [0.0, 0.0]  # valence before and after a "but"
    first_lean = 0  # the lean of a valenced word among the first three words
    trouble_later = praise_later = valenced = False
    n_words = 0
    skip = modal = False
    for at, word in enumerate(words):
        if skip:
            skip = False
            continue
        role = roles.get(word)
        if role is None:
            if word[0] in _PUNCTUATION:
                scope = 0
            else:
                n_words += 1
                if scope:
                    found.append("not_" + word)
                    scope -= 1
            continue
        n_words += 1
        if role is _PHRASE:
            v = PHRASES.get((word, words[at + 1])) if at + 1 < len(words) else None
            if v is not None:
                skip = True
            else:
                role = lexicon().get(word, 0.0)
                if word in NEGATORS:
                    role = _MODAL_NEGATOR if word in _MODAL else _NEGATOR
        if role is _CONTRAST:
            after, scope = True, 0
            continue
        if role is _NEGATOR or role is _MODAL_NEGATOR:
            scope = WINDOW
            modal = role is _MODAL_NEGATOR or (at > 0 and words[at - 1] in ("could", "can"))
            continue
        if not skip:
            v = role
        negated = scope > 0
        if negated:
            scope -= 1
            found.append("not_" + word)
        if not v:
            continue
        valenced = True
        if negated and modal and v > 0 and (_comparative(word) or words[at - 1] == "more"):
            # "couldn't be happier", "can't ask for better", "couldn't be more helpful": praise.
            negated = False
            found.append("not_more")
        if v > 0 and at and not INTERJECTIONS.isdisjoint(words[max(0, at - 2) : at]):
            found.append("oh_p")
        strength = 1 if abs(v) < 1.5 else 2 if abs(v) < 2.5 else 3
        lean = ("not_" if negated else "") + ("p" if v > 0 else "n") + str(strength)
        found.append("late_" + lean if after else lean)
        if negated:
            v *= NEGATED
        sums[after] += v
        if n_words <= 3 and not first_lean:
            first_lean = 1 if v > 0 else -1
        elif n_words > 3:
            trouble_later |= v < 0
            praise_later |= v > 0
    if valenced:
        found.append(_band("sum", sums[0] * (BEFORE if after else 1.0) + sums[1] * AFTER))
    else:
        found.append("sum_none")
    if first_lean > 0 and trouble_later:
        found.append("p_then_n")
    elif first_lean < 0 and praise_later:
        found.append("n_then_p")
    if len(words) > 1 and words[-1] == "not" and words[-2][0] in _PUNCTUATION:
        found.append("final_not")  # "really made my day. not"
    if ("'" in lowered or '"' in lowered or "\u2018" in lowered or "\u201c" in lowered) and (
        _SCARE_QUOTES.search(lowered)
    ):
        found.append("quoted")
    if "?" in lowered:
        found.append("ask")
    if "!" in lowered:
        found.append("exclaim")
    found.append(_LENGTHS[n_words] if n_words < 9 else "len_9")
    return found


_LENGTHS = ["len_1", "len_1", "len_2", "len_2", "len_4", "len_4", "len_4", "len_4", "len_4"]


def _comparative(word: str) -> bool:
    """ "better", "happier", "nicer", "clearer": a lexicon word made comparative."""
    if word == "better":
        return True
    valences = lexicon()
    if word.endswith("ier"):
        return word[:-3] + "y" in valences
    return word.endswith("er") and (word[:-2] in valences or word[:-1] in valences)


def _band(prefix: str, value: float) -> str:
    if value <= -2.5:
        return f"{prefix}_n3"
    if value <= -1.0:
        return f"{prefix}_n2"
    if value < 0:
        return f"{prefix}_n1"
    if value == 0:
        return f"{prefix}_0"
    if value < 1.0:
        return f"{prefix}_p1"
    if value < 2.5:
        return f"{prefix}_p2"
    return f"{prefix}_p3"
