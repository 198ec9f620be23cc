"""Positional arguments of list commands as filters (§6.4)."""

from __future__ import annotations

import pytest

from agent.errors import OpPrereqError
from agent.qlang import (
    QueryFilterParseError,
    combine_filters,
    dns_glob_pattern,
    make_list_filter,
)


def test_spec_examples() -> None:
    assert make_list_filter(["5", "7"], "id", numeric_names=True) == [
        "|",
        ["==", "id", 5],
        ["==", "id", 7],
    ]
    assert make_list_filter(["web*", "db1"]) == [
        "|",
        ["=~", "name", "^web[^.]*(\\..*)?$"],
        ["==", "name", "db1"],
    ]
    assert make_list_filter(["status"], "id", numeric_names=True, force_filter=True) == [
        "?",
        "status",
    ]
    assert make_list_filter(["id>5"], "id", numeric_names=True) == [">", "id", 5]


def test_no_arguments_mean_no_filter() -> None:
    assert make_list_filter([]) is None
    assert make_list_filter(None) is None


@pytest.mark.parametrize("char", list("!\"'()/<>=\\~ \t\r\n\x0b\x0c"))
def test_each_detection_character_makes_a_lone_argument_a_filter(char: str) -> None:
    with pytest.raises(QueryFilterParseError):
        make_list_filter([f"#{char}"])


def test_detection_only_applies_to_a_single_argument() -> None:
    assert make_list_filter(["a=b", "c"]) == ["|", ["==", "name", "a=b"], ["==", "name", "c"]]


def test_plain_names_are_equalities_not_booleans() -> None:
    for name in ["node1", "n-o-d-e", "n_o_d_e", "node1.example.com", "node1.example.com."]:
        assert make_list_filter([name]) == ["|", ["==", "name", name]]


def test_ganeti_examples_of_lone_filters() -> None:
    assert make_list_filter(["foo/bar"]) == ["?", "foo/bar"]
    assert make_list_filter(["foo=='bar'"]) == ["==", "foo", "bar"]
    assert make_list_filter(["field=*'*.site'"]) == ["=~", "field", dns_glob_pattern("*.site")]
    for text in ["foo==bar", "foo+=1"]:
        with pytest.raises(QueryFilterParseError):
            make_list_filter([text])


def test_globs_become_dns_name_regexes() -> None:
    assert make_list_filter(["*.a", "*.b", "?.c"]) == [
        "|",
        ["=~", "name", dns_glob_pattern("*.a")],
        ["=~", "name", dns_glob_pattern("*.b")],
        ["=~", "name", dns_glob_pattern("?.c")],
    ]
    assert dns_glob_pattern("web?.example") == "^web[^.]\\.example(\\..*)?$"


def test_other_name_field() -> None:
    assert make_list_filter(["mailA", "mailB"], "id") == [
        "|",
        ["==", "id", "mailA"],
        ["==", "id", "mailB"],
    ]


@pytest.mark.parametrize("args", [None, [], ["1", "2"], ["", "", ""]])
def test_forced_filter_needs_exactly_one_argument(args: list[str] | None) -> None:
    with pytest.raises(OpPrereqError) as err:
        make_list_filter(args, force_filter=True)
    assert err.value.message == "Exactly one argument must be given as a filter"
    assert err.value.code == "wrong_input"


def test_forced_filter_parses_plain_names_and_globs_as_expressions() -> None:
    assert make_list_filter(["web1"], force_filter=True) == ["?", "web1"]
    with pytest.raises(QueryFilterParseError):
        make_list_filter(["*.site"], force_filter=True)


def test_non_numeric_job_id_is_refused() -> None:
    with pytest.raises(OpPrereqError) as err:
        make_list_filter(["x"], "id", numeric_names=True)
    assert err.value.message == "Invalid job ID passed: invalid literal for int() with base 10: 'x'"


def test_command_filter_is_anded_after_the_names() -> None:
    names = make_list_filter(["5"], "id", numeric_names=True)
    running = ["==", "status", "running"]
    assert combine_filters(names, running) == ["&", names, running]
    assert combine_filters(None, running) == running
    assert combine_filters(names, None) == names
