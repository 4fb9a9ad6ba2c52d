"""The feedback categoriser, its training and unseen comments, its sentiment cues and its two
commands (no database)."""

import csv
import io
import re
from collections import Counter

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from sklearn.metrics import accuracy_score, f1_score

from charter.feedback.categoriser import (
    DIMENSIONS,
    HEADS,
    SENTIMENTS,
    TEMPERATURES,
    TOPICS,
    UNSEEN_CSV,
    Categoriser,
    LabelledComment,
    Sorted,
    TextClassifier,
    starter_categoriser,
    starter_comments,
    unseen_comments,
)
from charter.feedback.categoriser_quality import (
    evaluate,
    fit_temperatures,
    held_out_report,
    shipped_report,
)
from charter.feedback.cues import cues

SHIPPED = {"topic": TOPICS, "dimension": DIMENSIONS, "sentiment": SENTIMENTS}
# Held-out macro-F1 on the 1,353 training comments (a quarter held out, seed 2026) measured
# 0.836 for topic, 0.685 for dimension and 0.769 for sentiment; the floors leave room for small
# changes to the data or the libraries, not for a model that has stopped learning.
MACRO_F1_FLOORS = {"topic": 0.78, "dimension": 0.63, "sentiment": 0.72}
# On the unseen comments, trained on the 480 starter comments alone and without cues, the model
# measured 0.736 for topic, 0.593 for dimension and 0.638 for sentiment; a manager needs 0.75
# for sentiment. Now 0.819, 0.697 and 0.799. Topic and dimension must not fall back below then.
UNSEEN_FLOORS = {"topic": 0.74, "dimension": 0.60, "sentiment": 0.75}
STYLES = {"short", "sarcastic", "mixed", "misspelt", "negated", "plain"}
ADDED = [
    "topic",
    "topic_confidence",
    "dimension",
    "dimension_confidence",
    "sentiment",
    "sentiment_confidence",
]

HOTEL = [  # a label set an organisation might bring: nothing to do with widgets
    ("The breakfast buffet was cold and the eggs were rubbery", "food"),
    ("Loved the seafood dinner, fresh and tasty", "food"),
    ("Room service brought the wrong meal and the soup was salty", "food"),
    ("Great coffee and pastries at the cafe", "food"),
    ("The restaurant menu had lovely vegetarian dishes", "food"),
    ("Dessert was the best part of the meal", "food"),
    ("The pasta was overcooked and the sauce bland", "food"),
    ("Our room was spacious with a comfy bed", "rooms"),
    ("The bathroom was dirty and the shower leaked", "rooms"),
    ("Bedroom had a great view and clean sheets", "rooms"),
    ("Air conditioning in our room was broken", "rooms"),
    ("The pillows were lumpy and the mattress sagged", "rooms"),
    ("Housekeeping left fresh towels in the bathroom every day", "rooms"),
    ("Noisy room next to the lift, could not sleep", "rooms"),
]


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- The starter comments ---------------------------------------------------------------------
def test_starter_comments_are_plenty_and_use_every_shipped_label():
    rows = starter_comments()
    assert len(rows) >= 400
    for head, shipped in SHIPPED.items():
        used = Counter(getattr(row, head) for row in rows)
        assert set(used) == set(shipped), head  # every label used, no misspelt one
        least = {"topic": 35, "dimension": 50, "sentiment": 90}[head]
        assert min(used.values()) >= least, (head, used)


def test_starter_comments_are_not_repeated_or_blank():
    comments = [" ".join(row.comment.lower().split()) for row in starter_comments()]
    assert all(comments)
    repeated = [comment for comment, n in Counter(comments).items() if n > 1]
    assert repeated == []


# --- The unseen comments ----------------------------------------------------------------------
def _said(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def test_the_unseen_comments_are_many_labelled_and_never_trained_on():
    unseen = unseen_comments()
    assert len(unseen) >= 300
    for head, shipped in SHIPPED.items():
        assert set(getattr(row, head) for row in unseen) == set(shipped), head
    training = {_said(row.comment) for row in starter_comments()}
    assert [row.comment for row in unseen if _said(row.comment) in training] == []
    said = [_said(row.comment) for row in unseen]
    assert [text for text, n in Counter(said).items() if n > 1] == []


def test_the_unseen_comments_are_in_the_voices_the_training_comments_lacked():
    with UNSEEN_CSV.open(encoding="utf-8") as handle:
        styles = Counter(row["style"] for row in csv.DictReader(handle))
    assert set(styles) == STYLES
    assert min(styles.values()) >= 30, styles


@pytest.mark.parametrize("head", HEADS)
def test_macro_f1_on_unseen_comments_meets_its_floor(head):
    # Trains on the shipped training comments, as Charter does, and scores each head on the
    # comments written apart from them. Sentiment must reach the 0.75 a manager needs.
    evaluation = shipped_report()["unseen"][head]
    assert evaluation.n_train == len(starter_comments())
    assert evaluation.n_test == len(unseen_comments())
    assert evaluation.macro_f1 >= UNSEEN_FLOORS[head], (head, evaluation.macro_f1)
    assert sum(map(sum, evaluation.confusion)) == evaluation.n_test


@pytest.mark.parametrize("head", HEADS)
def test_confidences_on_unseen_comments_mean_what_they_say(head):
    # Calibrated: the mean probability given is within 5 points of the share sorted right.
    evaluation = shipped_report()["unseen"][head]
    assert evaluation.mean_confidence == pytest.approx(evaluation.accuracy, abs=0.05)


def test_the_shipped_temperatures_are_the_ones_the_training_comments_give():
    # Fitted again by cross-validation: when the data or the settings change, update them.
    assert fit_temperatures(starter_comments()) == pytest.approx(TEMPERATURES, abs=0.05)


def test_a_temperature_scales_the_scores_and_keeps_the_order():
    rows = starter_comments()[::3]
    plain = Categoriser.train(rows, temperatures={})
    warm = Categoriser.train(rows, temperatures={"sentiment": 2.0})
    comments = ["late again", "lovely staff", "where is my order?"]
    plain_p = plain.probabilities(comments)["sentiment"]
    warm_p = warm.probabilities(comments)["sentiment"]
    expected = np.exp(np.log(plain_p) / 2.0)
    np.testing.assert_allclose(warm_p, expected / expected.sum(axis=1, keepdims=True), atol=1e-5)
    assert (warm_p.argmax(axis=1) == plain_p.argmax(axis=1)).all()
    np.testing.assert_allclose(
        warm.probabilities(comments)["topic"], plain.probabilities(comments)["topic"], atol=1e-6
    )


# --- Sentiment cues ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("comment", "present", "absent"),
    [
        ("happy with it", {"p3", "sum_p3"}, {"not_p3"}),
        ("wasn't happy", {"not_p3", "not_happy", "sum_n2"}, {"p3"}),
        ("not unhelpful, to be fair", {"not_n2", "not_unhelpful", "p1"}, {"n2"}),
        ("couldn't be happier", {"not_more", "p2", "sum_p2"}, {"not_p2"}),
        ("not the best", {"not_p3", "sum_n2"}, {"not_more"}),
        ("the officer was lovely but the widget broke again", {"p3", "late_n2", "sum_n3"}, {"n2"}),
        ("great, another week of waiting. love it", {"p_then_n"}, set()),
        ("oh wonderful, more hold music", {"oh_p"}, set()),
        ("thanks for 'helping' me", {"quoted"}, set()),
        ("really made my day. not", {"final_not"}, set()),
        ("where's my order??", {"ask", "sum_none", "len_2"}, set()),
        ("meh", {"len_1"}, {"sum_none"}),
        ("the widgets came late and faulty", {"n1", "n2", "len_4"}, set()),
    ],
)
def test_cues_read_valence_through_negation_and_but(comment, present, absent):
    found = set(cues(comment))
    assert present <= found, found
    assert not absent & found, found


def test_cues_read_vaders_lexicon_from_the_installed_package():
    # Words only VADER's list rates (not Charter's service words) still get a valence.
    assert set(cues("a splendid outcome")) >= {"p3", "sum_p3"}
    assert set(cues("a dreadful, abysmal outcome")) & {"n2", "n3"}


def test_cues_of_blank_or_wordless_text():
    assert cues("") == ["sum_none", "len_1"]
    assert cues("!!!") == ["sum_none", "exclaim", "len_1"]


@pytest.mark.parametrize("head", HEADS)
def test_held_out_macro_f1_on_the_starter_comments_stays_above_its_floor(head):
    evaluation = held_out_report(starter_comments())[head]
    assert evaluation.n_test == pytest.approx(len(starter_comments()) / 4, abs=1)
    assert evaluation.macro_f1 >= MACRO_F1_FLOORS[head]
    assert sum(map(sum, evaluation.confusion)) == evaluation.n_test


# --- Sorting ----------------------------------------------------------------------------------
def test_the_starter_categoriser_sorts_obvious_comments_sensibly():
    sorted_ = starter_categoriser().sort(
        [
            "I was on hold for 40 minutes before anyone answered.",
            "The officer apologised and really listened, so kind.",
            "Your invoice is confusing and the prices went up again.",
        ]
    )
    assert [s.topic for s in sorted_] == ["waiting_time", "staff_manner", "pricing_billing"]
    assert sorted_[0].dimension == "responsiveness"
    assert sorted_[1].dimension == "empathy"
    assert [s.sentiment for s in sorted_] == ["negative", "positive", "negative"]


def test_confidences_are_probabilities_rounded_to_three_places():
    for result in starter_categoriser().sort(["Order 4471 arrived on Tuesday.", "great widgets"]):
        for head in HEADS:
            confidence = getattr(result, f"{head}_confidence")
            assert isinstance(confidence, float)
            assert 0 < confidence <= 1
            assert confidence == round(confidence, 3)


def test_sorting_one_at_a_time_agrees_with_sorting_a_batch():
    comments = [row.comment for row in starter_comments()[::10]] + ["widgets late!!", "7mm"]
    categoriser = starter_categoriser()
    for one, batch in zip(
        map(categoriser.sort_one, comments), categoriser.sort(comments), strict=True
    ):
        for head in HEADS:
            assert getattr(one, head) == getattr(batch, head)
            assert getattr(one, f"{head}_confidence") == pytest.approx(
                getattr(batch, f"{head}_confidence"), abs=0.0011
            )


def test_the_hand_written_prediction_gives_scikit_learns_probabilities():
    # The categoriser does the tf-idf and softmax sums itself for speed; they must stay the
    # library's sums, or the model is no longer the transparent one that was trained.
    # Each head's probabilities are the library's at its temperature: softmax(log p / T).
    categoriser = starter_categoriser()
    heads = categoriser._heads
    comments = ["On hold 40 mins, then the wrong size delievered", "", "Great", "¿Qué? 7 mm!"]
    comments += ["wasn't happy", "oh great, late again", "couldn't be happier"]
    mine = categoriser.probabilities(comments)
    matrix = heads.features.fitted_matrix(comments)
    for head in HEADS:
        theirs = heads.models[head].predict_proba(heads.model_input(head, matrix))
        warmed = np.exp(np.log(theirs) / TEMPERATURES[head])
        warmed /= warmed.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(mine[head], warmed, atol=1e-5)


@pytest.mark.parametrize("comment", ["", "   ", "\n\t", "!!!", "é"])
def test_a_blank_or_wordless_comment_is_still_sorted(comment):
    result = starter_categoriser().sort_one(comment)
    assert isinstance(result, Sorted)
    assert result.topic in TOPICS
    assert starter_categoriser().sort([comment])[0].topic in TOPICS


def test_sorting_nothing_gives_nothing():
    assert starter_categoriser().sort([]) == []


def test_a_classifier_learns_whatever_labels_it_is_given():
    classifier = TextClassifier().fit([text for text, _ in HOTEL], [label for _, label in HOTEL])
    assert classifier.labels == ("food", "rooms")
    predicted = classifier.predict(["the soup at dinner was cold", "the bed in our room was hard"])
    assert [label for label, _ in predicted] == ["food", "rooms"]
    assert all(0.5 < confidence <= 1 for _, confidence in predicted)
    assert classifier.predict_one("lovely breakfast")[0] == "food"


def test_a_classifier_with_two_labels_gives_the_logistic_probabilities():
    classifier = TextClassifier().fit([text for text, _ in HOTEL], [label for _, label in HOTEL])
    texts = ["cold eggs", "leaky shower"]
    matrix = classifier._heads.features.fitted_matrix(texts)
    theirs = classifier._heads.models["label"].predict_proba(matrix)
    np.testing.assert_allclose(classifier.probabilities(texts), theirs, atol=1e-5)


@pytest.mark.parametrize(
    ("texts", "labels", "message"),
    [
        (["cold soup", "hot soup"], ["food", "food"], "at least 2 different label labels"),
        (["cold soup"], ["food"], "at least 2 labelled comments"),
        ([], [], "at least 2 labelled comments"),
        (["cold soup", "big room"], ["food"], "2 comments but 1 label labels"),
        (["   ", ""], ["food", "rooms"], "no words to learn from"),
    ],
)
def test_a_classifier_refuses_what_it_cannot_learn_from(texts, labels, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        TextClassifier().fit(texts, labels)


def test_training_the_categoriser_names_a_head_with_one_label():
    rows = [
        LabelledComment("late again", "delivery", "reliability", "negative"),
        LabelledComment("so kind", "staff_manner", "reliability", "positive"),
    ]
    with pytest.raises(ValueError, match="2 different dimension labels; got 'reliability'"):
        Categoriser.train(rows)


def test_an_untrained_classifier_says_so():
    with pytest.raises(ValueError, match="not been trained"):
        TextClassifier().predict(["anything"])


def test_evaluate_scores_as_scikit_learn_does():
    train, test = HOTEL[::2] + HOTEL[1::4], [*HOTEL[3::4], ("cold dessert", "food")]
    evaluation = evaluate(train, test)
    truth = [label for _, label in test]
    classifier = TextClassifier().fit([t for t, _ in train], [label for _, label in train])
    predicted = [label for label, _ in classifier.predict([t for t, _ in test])]
    assert evaluation.accuracy == pytest.approx(accuracy_score(truth, predicted))
    assert evaluation.macro_f1 == pytest.approx(f1_score(truth, predicted, average="macro"))
    assert evaluation.labels == ["food", "rooms"]
    assert (evaluation.n_train, evaluation.n_test) == (len(train), len(test))


# --- evaluate_categoriser ---------------------------------------------------------------------
def test_evaluate_categoriser_prints_accuracy_and_macro_f1_of_the_test_file(tmp_path):
    train = HOTEL[:5] + HOTEL[7:12]
    test = HOTEL[5:7] + HOTEL[12:] + [("the roast lamb was tough", "food")]
    write_csv(
        tmp_path / "train.csv",
        [["id", "comment", "label"]]
        + [[i, text, label] for i, (text, label) in enumerate(train)]
        + [[98, "", "food"], [99, "no label here", " "]],
    )
    write_csv(tmp_path / "test.csv", [["label", "comment"]] + [[b, a] for a, b in test])

    output = run(
        "evaluate_categoriser", "--train", tmp_path / "train.csv", "--test", tmp_path / "test.csv"
    )

    classifier = TextClassifier().fit([t for t, _ in train], [label for _, label in train])
    predicted = [label for label, _ in classifier.predict([t for t, _ in test])]
    truth = [label for _, label in test]
    assert f"Accuracy: {accuracy_score(truth, predicted):.3f}" in output
    assert f"Macro-F1: {f1_score(truth, predicted, average='macro'):.3f}" in output
    assert "Trained on 10 rows" in output
    assert "(2 skipped for a blank comment or label)" in output
    assert "tested on 5 rows" in output
    header = next(line for line in output.splitlines() if line.strip().startswith("food"))
    assert header.split() == ["food", "rooms"]


def test_evaluate_categoriser_scores_a_tiny_obvious_data_set_by_hand(tmp_path):
    write_csv(
        tmp_path / "train.csv",
        [["comment", "label"]]
        + [[f"apple apple {i}", "fruit"] for i in range(4)]
        + [[f"carrot carrot {i}", "veg"] for i in range(4)],
    )
    write_csv(
        tmp_path / "test.csv",
        [["comment", "label"], ["apple", "fruit"], ["carrot", "veg"], ["apple pie", "veg"]],
    )
    output = run(
        "evaluate_categoriser", "--train", tmp_path / "train.csv", "--test", tmp_path / "test.csv"
    )
    # Predicted fruit, veg, fruit: 2 of 3 right. F1 is 2/3 for fruit (precision 1/2, recall 1)
    # and 2/3 for veg (precision 1, recall 1/2).
    assert "Accuracy: 0.667" in output
    assert "Macro-F1: 0.667" in output
    rows = {line.split()[0]: line.split()[1:] for line in output.splitlines()[-2:]}
    assert rows == {"fruit": ["1", "0"], "veg": ["1", "1"]}


def test_evaluate_categoriser_without_files_reports_each_head_held_out_and_unseen():
    output = run("evaluate_categoriser")
    assert output.count("Macro-F1: ") == 6
    for head in ("Topic", "Dimension", "Sentiment"):
        assert f"\n{head}\n" in output
        assert f"\n{head} (unseen)\n" in output
    assert "waiting_time" in output and "responsiveness" in output
    report = shipped_report()
    for head in HEADS:
        held_out, unseen = report["held_out"][head], report["unseen"][head]
        assert f"{head.capitalize()}\nAccuracy: {held_out.accuracy:.3f}" in output
        assert f"{head.capitalize()} (unseen)\nAccuracy: {unseen.accuracy:.3f}" in output
        assert f"Mean confidence: {unseen.mean_confidence:.3f}" in output
    per_head = ", ".join(f"{h} {report['unseen'][h].macro_f1:.3f}" for h in HEADS)
    assert f"Macro-F1 per head: {per_head}" in output
    assert f"Unseen: {len(unseen_comments())} comments" in output


def test_evaluate_categoriser_reads_the_cues_when_asked(tmp_path):
    rows = [(row.comment, row.sentiment) for row in starter_comments()[::4]]
    train = write_csv(tmp_path / "train.csv", [["comment", "label"], *rows[::2]])
    test = write_csv(tmp_path / "test.csv", [["comment", "label"], *rows[1::2]])
    for flag, cued in (((), False), (("--cues",), True)):
        output = run("evaluate_categoriser", "--train", train, "--test", test, *flag)
        expected = evaluate(rows[::2], rows[1::2], cues=cued)
        assert f"Macro-F1: {expected.macro_f1:.3f}" in output


@pytest.mark.parametrize(
    ("train", "message"),
    [
        (None, "no such file"),
        ("", "is empty: its first line should name the columns, comment,label"),
        ("text,tag\nlate,delivery\n", "has no `comment` column; the columns are: text, tag"),
        ("comment,tag\nlate,delivery\n", "has no `label` column; the columns are: comment, tag"),
        ("comment,label\nlate,delivery\nlater,delivery\n", "has only one label ('delivery')"),
        ("comment,label\n,delivery\nlate,\n\n", "no rows with both a comment and a label (2 rows"),
    ],
    ids=["missing", "empty", "no-comment", "no-label", "one-label", "blank-rows"],
)
def test_evaluate_categoriser_says_what_is_wrong_with_the_training_file(tmp_path, train, message):
    path = tmp_path / "train.csv"
    if train is not None:
        path.write_text(train, encoding="utf-8")
    test = write_csv(tmp_path / "test.csv", [["comment", "label"], ["late", "delivery"]])
    with pytest.raises(CommandError, match=re.escape(message)) as raised:
        run("evaluate_categoriser", "--train", path, "--test", test)
    assert "train.csv" in str(raised.value)


def test_evaluate_categoriser_names_the_test_file_when_it_is_the_bad_one(tmp_path):
    train = write_csv(tmp_path / "train.csv", [["comment", "label"], *HOTEL])
    (tmp_path / "test.csv").write_bytes(b"comment,label\n\xff\xfe bad bytes,food\n")
    with pytest.raises(CommandError, match=r"test\.csv is not UTF-8 text"):
        run("evaluate_categoriser", "--train", train, "--test", tmp_path / "test.csv")


def test_evaluate_categoriser_reads_an_excel_byte_order_mark(tmp_path):
    content = io.StringIO()
    csv.writer(content).writerows([["comment", "label"], *HOTEL])
    (tmp_path / "train.csv").write_text(content.getvalue(), encoding="utf-8-sig")
    output = run(
        "evaluate_categoriser", "--train", tmp_path / "train.csv", "--test", tmp_path / "train.csv"
    )
    assert "Trained on 14 rows" in output


def test_evaluate_categoriser_wants_both_files_or_neither(tmp_path):
    with pytest.raises(CommandError, match="both --train and --test"):
        run("evaluate_categoriser", "--train", tmp_path / "train.csv")


# --- categorise_feedback ----------------------------------------------------------------------
def test_categorise_feedback_adds_six_columns_and_keeps_the_others(tmp_path):
    path = write_csv(
        tmp_path / "comments.csv",
        [
            ["received", "comment", "channel"],
            ["2026-03-02", "On hold for 40 minutes, again.", "phone"],
            ["2026-03-03", "Jess was lovely, thanks heaps", "email"],
            ["2026-03-04", "", "survey"],
            ["2026-03-05", 'Sent 6 mm, we ordered 7 mm, "urgent", please fix'],  # short row
        ],
    )
    rows = list(csv.reader(io.StringIO(run("categorise_feedback", path))))
    assert rows[0] == ["received", "comment", "channel", *ADDED]
    assert [row[:3] for row in rows[1:]] == [
        ["2026-03-02", "On hold for 40 minutes, again.", "phone"],
        ["2026-03-03", "Jess was lovely, thanks heaps", "email"],
        ["2026-03-04", "", "survey"],
        ["2026-03-05", 'Sent 6 mm, we ordered 7 mm, "urgent", please fix', ""],
    ]
    assert all(len(row) == 9 for row in rows)
    first = rows[1][3:]
    assert first[0::2] == ["waiting_time", "responsiveness", "negative"]
    assert all(0 < float(confidence) <= 1 for confidence in first[1::2])


def test_categorise_feedback_reads_standard_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("\ufeffComment\nThe invoice is confusing\n"))
    rows = list(csv.reader(io.StringIO(run("categorise_feedback", "-"))))
    assert rows[0] == ["Comment", *ADDED]
    assert rows[1][1] == "pricing_billing"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "comments.csv: no such file"),
        (b"", "comments.csv is empty"),
        (b"id,text\n1,late\n", "comments.csv has no `comment` column; the columns are: id, text"),
        (b"comment\n\xff\xfe\n", "comments.csv is not UTF-8 text"),
    ],
    ids=["missing", "empty", "no-comment", "not-utf8"],
)
def test_categorise_feedback_says_what_is_wrong_with_the_file(tmp_path, content, message):
    path = tmp_path / "comments.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=re.escape(message)):
        run("categorise_feedback", path)
