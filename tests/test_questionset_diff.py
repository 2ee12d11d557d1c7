"""The diff between two question-set versions: pure, on the JSON structure."""

import copy

import pytest

from assessments.questionsets.diff import questionset_diff

from .conftest import questionset_data


@pytest.fixture
def old():
    return questionset_data()


@pytest.fixture
def new(old):
    new = copy.deepcopy(old)
    new["version"] = old["version"] + 1
    return new


def _dim(data, code):
    return next(d for d in data["dimensions"] if d["code"] == code)


def test_the_same_content_has_no_differences(old, new):
    diff = questionset_diff(old, new)
    assert diff.is_empty and not diff.method_changed
    assert (diff.old_version, diff.new_version) == (old["version"], new["version"])
    assert diff.new_version == diff.old_version + 1


def test_a_reworded_statement_keeps_both_texts_in_both_languages(old, new):
    statement = _dim(new, "BV2")["questions"][0]
    before = dict(statement["text"])
    statement["text"] = {"nl": "Nieuw.", "en": "New."}
    (dim,) = questionset_diff(old, new).dimensions
    (change,) = dim.changed
    assert change.code == statement["code"] and change.reworded
    assert (change.text_old, change.text_new) == (
        before,
        {"nl": "Nieuw.", "en": "New."},
    )
    assert dim.method_changed


def test_statements_added_removed_weights_and_reverse(old, new):
    rs4 = _dim(new, "RS4")["questions"]
    removed = rs4.pop(0)
    rs4[0]["weight"] = rs4[0].get("weight", 1) + 1
    rs4[1]["reverse"] = not rs4[1].get("reverse", False)
    rs4.append({"code": "RS4.99", "text": {"nl": "Erbij.", "en": "Added."}})
    (dim,) = questionset_diff(old, new).dimensions
    assert [q.code for q in dim.removed] == [removed["code"]]
    assert [(q.code, q.weight, q.reverse) for q in dim.added] == [("RS4.99", 1, False)]
    assert [[c.key for c in change.changes] for change in dim.changed] == [
        ["weight"],
        ["reverse"],
    ]
    assert questionset_diff(old, new).method_changed_codes == {"RS4"}


def test_settings_thresholds_coverage_and_block_weights(old, new):
    new["thresholds"]["green"] = 80
    new["min_coverage"] = 0.5
    new["condition_weight"], new["link_weight"] = 40, 60
    diff = questionset_diff(old, new)
    assert {c.key for c in diff.settings} == {
        "thresholds.green",
        "min_coverage",
        "condition_weight",
        "link_weight",
    }
    coverage = next(c for c in diff.settings if c.key == "min_coverage")
    assert coverage.new_shown == "50 %"
    assert diff.method_changed and not diff.dimensions


def test_advice_quick_win_and_dimension_weight(old, new):
    bv1 = _dim(new, "BV1")
    bv1["advice"]["red"]["nl"] = "Ander advies."
    bv1["quick_win"] = {"nl": "Begin hier.", "en": "Start here."}
    (dim,) = questionset_diff(old, new).dimensions
    assert {c.key for c in dim.changes} == {"advice.red", "quick_win"}
    assert not dim.method_changed  # texts only
    bv1["weight"] = 2
    (dim,) = questionset_diff(old, new).dimensions
    assert dim.method_changed


def test_dimensions_added_and_removed_match_on_code(old, new):
    extra = copy.deepcopy(_dim(new, "RS9"))
    extra["code"] = "RS10"
    new["dimensions"].append(extra)
    new["dimensions"] = [d for d in new["dimensions"] if d["code"] != "BV5"]
    diff = questionset_diff(old, new)
    assert [d["code"] for d in diff.dimensions_added] == ["RS10"]
    assert [d["code"] for d in diff.dimensions_removed] == ["BV5"]
    assert diff.method_changed and not diff.dimensions


def test_reordering_is_not_a_method_change(old, new):
    questions = _dim(new, "BV3")["questions"]
    questions[0], questions[1] = questions[1], questions[0]
    new["dimensions"].reverse()
    (dim,) = questionset_diff(old, new).dimensions
    assert dim.reordered and not dim.method_changed
    assert not questionset_diff(old, new).method_changed


def test_a_statement_moved_between_dimensions(old, new):
    moved = _dim(new, "BV1")["questions"].pop()
    _dim(new, "BV2")["questions"].append(moved)
    diff = questionset_diff(old, new)
    assert diff.method_changed_codes == {"BV1", "BV2"}
