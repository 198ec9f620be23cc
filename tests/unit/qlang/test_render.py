"""Writing filters back in the human syntax."""

from __future__ import annotations

import pytest

from agent.qlang import FilterError, parse, render


@pytest.mark.parametrize(
    ("expr", "text"),
    [
        (
            ["&", ["=~", "name", "^web"], ["==", "status", "running"]],
            'name =~ /^web/ and status == "running"',
        ),
        (["|", ["&", ["?", "a"], ["?", "b"]], ["?", "d"]], "(a and b) or d"),
        (["!", ["|", ["?", "y"], ["?", "z"]]], "not (y or z)"),
        (["!=", "pinst_cnt", 0], "pinst_cnt != 0"),
        (["!", ["=~", "name", "a/b"]], "name !~ #a/b#"),
        (["!", ["=[]", "tags", "it's"]], '"it\'s" not in tags'),
        (["=[]", "ips", 123], "123 in ips"),
        (["?", "not"], "(not)"),
        ([">", "id", -5], "id > -5"),
    ],
)
def test_render_reads_naturally_and_parses_back(expr: object, text: str) -> None:
    assert render(expr) == text
    assert render(parse(text)) == text


@pytest.mark.parametrize(
    "expr",
    [
        None,
        ["&"],
        ["|", None],
        ["?", "1abc"],
        ["==", "a", "both ' and \""],
        ["==", "a", "new\nline"],
        ["=~", "a", "\\n"],
    ],
)
def test_what_the_human_syntax_cannot_say_is_refused(expr: object) -> None:
    with pytest.raises(FilterError):
        render(expr)


def test_pattern_with_every_delimiter_escapes_the_slash() -> None:
    assert render(["=~", "a", "/#^|"]) == "a =~ /\\/#^|/"
    assert parse(render(["=~", "a", "/#^|\\d"])) == ["=~", "a", "/#^|\\d"]
