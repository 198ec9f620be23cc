"""The human filter syntax (§6.3): results as Ganeti's parser gives them, errors at the right place."""

from __future__ import annotations

import pytest

from agent.qlang import QueryFilterParseError, dns_glob_pattern, parse

# Every row of the spec's results table.
SPEC_TABLE = [
    (
        '(name =~ /^web/) and status == "running"',
        ["&", ["=~", "name", "^web"], ["==", "status", "running"]],
    ),
    (
        'status == "running" and name =~ /^web/',
        ["&", ["==", "status", "running"], ["=~", "name", "^web"]],
    ),
    ("not master_candidate", ["!", ["?", "master_candidate"]]),
    ('"foo" in tags', ["=[]", "tags", "foo"]),
    ('"foo" not in tags', ["!", ["=[]", "tags", "foo"]]),
    ("pinst_cnt != 0", ["!=", "pinst_cnt", 0]),
    ('name = "x"', ["==", "name", "x"]),
    ("name == 'x'", ["==", "name", "x"]),
    ('name =* "web*.example.com"', ["=~", "name", "^web[^.]*\\.example\\.com(\\..*)?$"]),
    ('name !* "*.site"', ["!", ["=~", "name", "^[^.]*\\.site(\\..*)?$"]]),
    ("name =~ m/WEB/i", ["=~", "name", "(?i)WEB"]),
    ("name !~ #a/b#s", ["!", ["=~", "name", "(?s)a/b"]]),
    ("a and b and c or d", ["|", ["&", ["?", "a"], ["?", "b"], ["?", "c"]], ["?", "d"]]),
    ("x < 5 and not (y or z)", ["&", ["<", "x", 5], ["!", ["|", ["?", "y"], ["?", "z"]]]]),
    ("id > -5", [">", "id", -5]),
]


@pytest.mark.parametrize(("text", "expected"), SPEC_TABLE)
def test_spec_table_row_parses_as_ganeti_does(text: str, expected: object) -> None:
    assert parse(text) == expected


def test_regex_followed_by_and_parses_without_parentheses_deviation_d4() -> None:
    assert parse('name =~ /^web/ and status == "running"') == [
        "&",
        ["=~", "name", "^web"],
        ["==", "status", "running"],
    ]


def test_flags_touching_the_delimiter_are_still_flags() -> None:
    with pytest.raises(QueryFilterParseError) as err:
        parse("name =~ /x/and y")
    assert err.value.reason == "Unknown regular expression flags: 'adn'"
    assert err.value.position == 8


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('name=="foobar"', ["==", "name", "foobar"]),
        ("name=='foobar'", ["==", "name", "foobar"]),
        (
            "valA==1 and valB==2 or valC==3",
            ["|", ["&", ["==", "valA", 1], ["==", "valB", 2]], ["==", "valC", 3]],
        ),
        (
            '(name\n=="foobar") and (xyz=="va)ue" and k == 256 or x ==\t"y"\n) and mc',
            [
                "&",
                ["==", "name", "foobar"],
                ["|", ["&", ["==", "xyz", "va)ue"], ["==", "k", 256]], ["==", "x", "y"]],
                ["?", "mc"],
            ],
        ),
        ("master or field", ["|", ["?", "master"], ["?", "field"]]),
        ("negfield != -1", ["!=", "negfield", -1]),
        ("not (master or other == 4)", ["!", ["|", ["?", "master"], ["==", "other", 4]]]),
        ('some=="val\\"ue"', ["==", "some", 'val\\"ue']),
        ("123 in ips", ["=[]", "ips", 123]),
        ("99 not in ips", ["!", ["=[]", "ips", 99]]),
        (
            "(name =~ m/^node.*example.com$/s and master) or pip =~ |^3.*|",
            [
                "|",
                ["&", ["=~", "name", "(?s)^node.*example.com$"], ["?", "master"]],
                ["=~", "pip", "^3.*"],
            ],
        ),
        ("ctime <= 1234", ["<=", "ctime", 1234]),
        ("mtime >= 9999", [">=", "mtime", 9999]),
        ("x == +7", ["==", "x", 7]),
        ("x == 007", ["==", "x", 7]),
        ("foo/bar.baz_1", ["?", "foo/bar.baz_1"]),
    ],
)
def test_ganeti_unit_test_examples(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("flags", ["si", "is", "ssss", "iiiisiii"])
def test_flags_become_a_sorted_prefix(flags: str) -> None:
    assert parse(f"name =~ m/gi/{flags}") == ["=~", "name", "(?%s)gi" % "".join(sorted(flags))]


@pytest.mark.parametrize("delimiter", list("/#^|"))
def test_every_delimiter_works_with_and_without_m(delimiter: str) -> None:
    d = delimiter
    assert parse(f"name =~ m{d}test{d}") == ["=~", "name", "test"]
    assert parse(f"name =~ {d}test{d}") == ["=~", "name", "test"]
    assert parse(f"name !~ m{d}test{d}") == ["!", ["=~", "name", "test"]]
    assert parse(f"not\tname =~ m{d}test{d}") == ["!", ["=~", "name", "test"]]


@pytest.mark.parametrize("word", ["not", "and", "or"])
def test_words_starting_with_a_keyword_are_field_names(word: str) -> None:
    assert parse(f"{word}xyz") == ["?", f"{word}xyz"]
    assert parse(f"not {word}xyz") == ["!", ["?", f"{word}xyz"]]
    assert parse(f"  not \t{word}foo") == ["!", ["?", f"{word}foo"]]
    assert parse(f"{word}name =~ m/abc/") == ["=~", f"{word}name", "abc"]


def test_a_lone_keyword_is_a_boolean_field() -> None:
    assert parse("not") == ["?", "not"]
    assert parse("or or or") == ["|", ["?", "or"], ["?", "or"]]


def test_keywords_are_case_sensitive() -> None:
    with pytest.raises(QueryFilterParseError):
        parse("a AND b")


def test_chains_collapse_but_parentheses_nest() -> None:
    assert parse("a and b and c") == ["&", ["?", "a"], ["?", "b"], ["?", "c"]]
    assert parse("(a and b) and c") == ["&", ["&", ["?", "a"], ["?", "b"]], ["?", "c"]]
    assert parse("not not a") == ["!", ["!", ["?", "a"]]]


def test_quoted_strings_keep_escapes_and_doubled_quotes_verbatim() -> None:
    assert parse(r'x == "a\nb"') == ["==", "x", r"a\nb"]
    assert parse('"a""b" in x') == ["=[]", "x", 'a""b']
    assert parse("x == ''") == ["==", "x", ""]


def test_regex_escapes_are_removed_as_pyparsing_does() -> None:
    # Ganeti's parser unescapes inside the delimiters: \d is d, \\d is \d, \/ is /.
    assert parse(r"name =~ /^web\d+/") == ["=~", "name", "^webd+"]
    assert parse(r"name =~ /^web\\d+/") == ["=~", "name", r"^web\d+"]
    assert parse(r"name =~ /a\/b/") == ["=~", "name", "a/b"]
    assert parse(r"name =~ /a\tb/") == ["=~", "name", "a\tb"]


def test_in_and_not_in_are_plain_literals_after_a_value() -> None:
    assert parse("5 index") == ["=[]", "dex", 5]
    assert parse("'a' notin b") == ["!", ["=[]", "b", "a"]]


def test_glob_uses_dns_name_pattern() -> None:
    assert parse("name =* '*.site'") == ["=~", "name", dns_glob_pattern("*.site")]
    assert parse("field !* '*.example.*'") == [
        "!",
        ["=~", "field", dns_glob_pattern("*.example.*")],
    ]


# -- errors --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("name ==", 5),
        ("name <> value", 5),
        ("name => value", 5),
        ("name =< value", 5),
        ("a==5and b", 4),  # "and" glued to a digit is not a keyword
        ("a and (b", 2),
        ("a == - 5", 2),
        ("foo==bar", 3),
        ("foo+=1", 3),
        ("(a ==", 3),
        ("#invalid!filter#", 0),
        ("m/x/,", 4),  # "m/x/" is a field name
        ("", 0),
        ("(", 1),
        ("name =~ /foobarbaz#", 5),
        ("a or\n b ==", 8),
    ],
)
def test_parse_error_position_matches_ganeti(text: str, position: int) -> None:
    with pytest.raises(QueryFilterParseError) as err:
        parse(text)
    assert err.value.position == position
    assert len(err.value.details()) == 3


@pytest.mark.parametrize(
    ("text", "reason", "position"),
    [
        ("name=~m#a#g", "Unknown regular expression flags: 'g'", 6),
        ("asdf =~ m|abc|I", "Unknown regular expression flags: 'I'", 8),
        ("name=~^[^", "Invalid regular expression (unterminated character set at position 0)", 6),
    ],
)
def test_bad_regex_flags_are_reported_at_the_regex(text: str, reason: str, position: int) -> None:
    with pytest.raises(QueryFilterParseError) as err:
        parse(text)
    assert (err.value.reason, err.value.position) == (reason, position)


def test_uncompilable_regex_is_a_parse_error() -> None:
    with pytest.raises(QueryFilterParseError) as err:
        parse("x =~ /(/")
    assert err.value.reason.startswith("Invalid regular expression (missing )")
    assert err.value.position == 5


def test_bad_regex_in_a_branch_that_does_not_parse_is_not_reported() -> None:
    # pyparsing looks ahead without checking the regex; the shorter parse's error wins.
    with pytest.raises(QueryFilterParseError) as err:
        parse("not( b1 !~ /(/ an orb")
    assert (err.value.reason, err.value.position) == ("Expected end of text", 3)


def test_deep_nesting_is_refused_with_a_parse_error() -> None:
    with pytest.raises(QueryFilterParseError, match="nested too deeply"):
        parse("(" * 200 + "a" + ")" * 200)
    assert parse("(" * 40 + "a" + ")" * 40) == ["?", "a"]


def test_long_flat_chains_parse_quickly() -> None:
    text = " or ".join(["not (a and b)"] * 300)
    assert len(parse(text)) == 301
