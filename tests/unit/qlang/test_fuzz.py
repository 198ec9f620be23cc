"""Random inputs: the parser, decoder and predicates never crash, and render/parse round-trip."""

from __future__ import annotations

import random
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.errors import ParameterError
from agent.qlang import (
    FieldKind,
    FilterError,
    QueryFilter,
    QueryFilterParseError,
    decode,
    encode,
    normalise,
    parse,
    predicate_matches,
    render,
)
from agent.qlang.expr import And, Compare, Contains, Expr, IsTrue, Not, Or, Regex

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_TOKENS = [
    "name",
    "a",
    "x.y/z",
    "not",
    "and",
    "or",
    "in",
    "notx",
    "m",
    "(",
    ")",
    "==",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "=~",
    "!~",
    "=*",
    "!*",
    "5",
    "-3",
    "+",
    "'s'",
    '"d"',
    '"e\\"f"',
    "''",
    "/re/",
    "/re/i",
    "#a/b#s",
    "^x^",
    "|y|",
    "/(/",
    "/x/g",
    "\\",
    "!",
    "~",
    "*",
    "?",
    "$",
    "\t",
    "\n",
]
_human_text = st.lists(
    st.one_of(
        st.sampled_from(_TOKENS),
        st.sampled_from(_TOKENS).map(lambda t: t + " "),
        st.text(max_size=2),
    ),
    max_size=12,
).map("".join)


@FUZZ
@given(_human_text)
def test_parser_only_ever_raises_its_parse_error(text: str) -> None:
    try:
        result = parse(text)
    except QueryFilterParseError as err:
        assert 0 <= err.position <= len(text)
        assert len(err.details()) == 3
    else:
        decode(result)  # whatever parses is a valid JSON filter


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=4)
    | st.sampled_from(["&", "|", "!", "?", "==", "=", "!=", "<", ">=", "=~", "=[]", "(", "x"]),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=15,
)


@FUZZ
@given(_json)
def test_decoder_only_ever_raises_filter_error(value: Any) -> None:
    try:
        expr = decode(value)
    except FilterError:
        return
    assert decode(encode(expr)) == expr
    assert normalise(encode(expr)) == encode(expr)


_filter_shaped = st.recursive(
    st.one_of(
        st.tuples(st.sampled_from(["?"]), st.sampled_from(["id", "OP_ID", "reason", "a.b"])),
        st.tuples(
            st.sampled_from(["==", "=", "!=", "<", ">=", "=~", "=[]"]),
            st.sampled_from(["id", "OP_ID", "duration", "source", "reason", "timestamp", "a.b"]),
            st.one_of(
                st.integers(-5, 20), st.sampled_from(["watermark", "x", "OP_TEST_DELAY", "^O"])
            ),
        ),
    ).map(list),
    lambda inner: st.one_of(
        st.tuples(st.just("!"), inner).map(list),
        st.lists(inner, max_size=3).map(lambda xs: ["&", *xs]),
        st.lists(inner, max_size=3).map(lambda xs: ["|", *xs]),
    ),
    max_leaves=8,
)
_job_data = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "b"]), inner),
    max_leaves=6,
)
_ops = st.lists(
    st.fixed_dictionaries(
        {"OP_ID": st.sampled_from(["OP_TEST_DELAY", 5]), "duration": _job_data, "a": _job_data},
        optional={
            "reason": st.lists(st.tuples(st.text(max_size=3), st.text(max_size=3), st.integers()))
        },
    ),
    max_size=3,
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["jobid", "opcode", "reason"]), _filter_shaped, _ops, st.integers(0, 20))
def test_predicates_never_raise_on_job_data(kind: str, expr: Any, ops: Any, job_id: int) -> None:
    try:
        decoded = decode(expr)
    except FilterError:
        return  # a regex such as "=~" on an integer literal
    assert predicate_matches(kind, decoded, ops, job_id, 10) in (True, False)


@settings(max_examples=200, deadline=None)
@given(_filter_shaped, _job_data, _job_data)
def test_list_query_errors_are_parameter_errors(expr: Any, a: Any, b: Any) -> None:
    try:
        flt = QueryFilter(
            expr,
            {
                name: FieldKind.OTHER
                for name in ["id", "OP_ID", "reason", "a.b", "duration", "source", "timestamp"]
            },
        )
    except FilterError:
        return
    try:
        flt.matches(lambda name: a if name < "m" else b)
    except ParameterError:
        pass


def test_thousands_of_random_texts_parse_or_fail_cleanly() -> None:
    rng = random.Random(20240601)
    for _ in range(5000):
        text = "".join(
            rng.choice(_TOKENS) + rng.choice(["", " ", "  "]) for _ in range(rng.randint(0, 10))
        )
        try:
            decode(parse(text))
        except QueryFilterParseError:
            pass


def _random_json(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(9 if depth < 4 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False, 0, -1, 2**70, 1.5, 2.0, float("inf"), float("nan")])
    if kind in (2, 3, 4):
        return rng.choice(
            [
                "&",
                "|",
                "!",
                "?",
                "==",
                "=",
                "!=",
                "<",
                "<=",
                ">",
                ">=",
                "=~",
                "=[]",
                "x",
                "(",
                "[",
                "a.b",
                "",
            ]
        )
    if kind == 5:
        return rng.choice(["id", "name", "(?i)x", "\\", "\u00e9"])
    if kind == 6:
        return {rng.choice("ab"): _random_json(rng, depth + 1)}
    return [_random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]


def test_thousands_of_random_json_values_decode_or_fail_cleanly() -> None:
    rng = random.Random(20240602)
    decoded = 0
    for _ in range(10000):
        value = _random_json(rng)
        try:
            expr = decode(value)
        except FilterError:
            continue
        decoded += 1
        assert decode(encode(expr)) == expr
    assert decoded > 100


# -- render / parse round trip --------------------------------------------

_field = st.sampled_from(["a", "name", "x.y/z", "N_2", "not", "and", "or", "notx", "m", "in"])
_string = st.sampled_from(
    ["", "x", "a b", 'say "hi"', "it's", 'a""b', "\\d", "-5", "and", "(", "é"]
)
_literal = st.one_of(st.integers(-(10**6), 10**6), _string)
_pattern = st.sampled_from(
    ["", "^web", "a/b", "#|^/", "\\d+$", "(?i)x", "\\\\", "a\nb", "[/#]", "x\\/y", " "]
)


_leaf = st.one_of(
    _field.map(IsTrue),
    st.builds(Compare, st.sampled_from(["==", "<", "<=", ">", ">="]), _field, _literal),
    st.builds(lambda f, p: Regex(f, p, re.compile(p)), _field, _pattern),
    st.builds(Contains, _field, _literal),
)
_expr: st.SearchStrategy[Expr] = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
    ),
    max_leaves=10,
)


@settings(max_examples=250, deadline=None)
@given(_expr)
def test_parse_of_render_gives_the_expression_back(expr: Expr) -> None:
    assert decode(parse(render(expr))) == expr
