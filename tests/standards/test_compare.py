"""Comparing two versions side by side: a pure rule over plain data, no database."""

from charter.standards import rules


def _version(vision, promises, steps=None):
    return {
        "texts": {"Vision": vision},
        "sections": {"Promises": promises, **({"Steps": steps} if steps else {})},
    }


def test_identical_versions_have_no_changes():
    v = _version("Safe widgets.", {"Deliver (All)": {"Target": "3 business days"}})
    assert rules.compare(v, v).unchanged


def test_a_changed_text_shows_which_words_went_and_came():
    old = _version("Widgets that are safe and on time.", {})
    new = _version("Widgets that are safe, right and on time.", {})
    (change,) = rules.compare(old, new).texts
    assert change.label == "Vision"
    assert ("removed", "safe") in change.words
    assert ("added", "safe, right") in change.words
    # Reading the unchanged and added words gives the new text back; unchanged and removed
    # words give the old one.
    assert " ".join(t for k, t in change.words if k != "removed") == new["texts"]["Vision"]
    assert " ".join(t for k, t in change.words if k != "added") == old["texts"]["Vision"]


def test_line_breaks_survive_the_word_diff():
    old = "Find better ways.\nServe customers well."
    new = "Find better ways.\nServe every customer well."
    words = rules.word_diff(old, new)
    assert words == [
        ("same", "Find better ways.\nServe"),
        ("removed", "customers"),
        ("added", "every customer"),
        ("same", "well."),
    ]


def test_items_are_matched_by_key_added_removed_and_changed():
    old = _version(
        "Same.",
        {
            "Deliver (All customers)": {"Target": "3 business days", "Wording": "3 days"},
            "Refund (All customers)": {"Target": "5 business days", "Wording": "5 days"},
        },
    )
    new = _version(
        "Same.",
        {
            "Deliver (All customers)": {"Target": "2 business days", "Wording": "3 days"},
            "Follow up (All customers)": {"Target": "7 calendar days", "Wording": "7 days"},
        },
    )
    result = rules.compare(old, new)
    assert not result.texts
    kinds = {(c.key, c.kind) for c in result.items}
    assert kinds == {
        ("Deliver (All customers)", "changed"),
        ("Refund (All customers)", "removed"),
        ("Follow up (All customers)", "added"),
    }
    changed = next(c for c in result.items if c.kind == "changed")
    assert changed.changed_fields == ("Target",)
    assert changed.old["Target"] == "3 business days" and changed.new["Target"] == "2 business days"


def test_a_section_present_in_only_one_version_counts_every_item():
    old = _version("Same.", {}, steps=None)
    new = _version("Same.", {}, steps={"Officers, step 1": {"Text": "Listen."}})
    (item,) = rules.compare(old, new).items
    assert (item.section, item.kind) == ("Steps", "added")
