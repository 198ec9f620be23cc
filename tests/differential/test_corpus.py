"""Our hbal, hcheck and hinfo give Ganeti 3.0.2's answers on every corpus file.

Compared exactly (byte for byte): exit statuses, hbal step lines (instance,
nodes, move codes), `-C` command lists and scripts, `-S` saved states, node
tables and instance maps, hcheck's keys and verdicts, every message line,
load errors up to the location ours append (` (file:line, field 'x')`).
Compared to the last printed digit (1e-8): printed scores; the initial score
to 1e-6 as well. Not compared (spec §19.2): the `Loaded cluster ipolicy:`
dump, version and help texts, and the wording of command-line parse errors
(ours are one line; exit statuses still match).
"""

from __future__ import annotations

import pytest

from tests.differential import harness as h


def _ganeti_crashed(c: h.Case) -> bool:
    """Ganeti 3.0.2 crashes on some inputs (e.g. IntMap lookups with split instances)."""
    return "CallStack (from HasCallStack)" in c.run["stderr"]


ALL_CASES = h.load_cases()
#: Runs where Ganeti itself crashed are not compared (we do not copy crashes).
CRASHED = [c for c in ALL_CASES if _ganeti_crashed(c)]
CASES = [c for c in ALL_CASES if not _ganeti_crashed(c)]


def _case_of(item: pytest.Item) -> h.Case | None:
    spec = getattr(item, "callspec", None)
    case = spec.params.get("case") if spec is not None else None
    return case if isinstance(case, h.Case) else None


@pytest.fixture(scope="module", autouse=True)
def _run_ours_in_parallel(request: pytest.FixtureRequest) -> None:
    """Run our tools for the selected cases (all of them, or those `-k` keeps) at once."""
    wanted = {c.id for c in map(_case_of, request.session.items) if c is not None}
    h.precompute([c for c in CASES if c.id in wanted])


def _ids(cases: list[h.Case]) -> list[str]:
    return [c.id for c in cases]


def _select(pred) -> list[h.Case]:  # noqa: ANN001
    sel = [c for c in CASES if pred(c)]
    return sel or [pytest.param(None, marks=pytest.mark.skip(reason="no recorded cases"))]


def _is_cli_error(c: h.Case) -> bool:
    return c.run["exit"] != 0 and c.expected.stderr.startswith(
        ("Command line error:", "Error while parsing command line arguments:"))


def _is_malformed_file(c: h.Case) -> bool:
    """A load error about the file's content (not a missing file or a bad option)."""
    return h.LOAD_ERROR in c.expected.stderr and not any(
        w in c.expected.stderr for w in ("openFile", "Unknown instance(s)"))


OK_HINFO = _select(lambda c: c.run["tool"] == "hinfo" and c.run["exit"] == 0)
HCHECK = _select(lambda c: c.run["tool"] == "hcheck" and not _is_cli_error(c))
HBAL_SCORED = _select(lambda c: c.run["tool"] == "hbal"
                      and h.initial_score(c.expected.stdout) is not None)
HBAL = _select(lambda c: c.run["tool"] == "hbal" and not _is_cli_error(c))
ERRORS = _select(lambda c: c.run["exit"] != 0 and not (
    c.run["tool"] == "hcheck" and "Cluster needs rebalancing" in c.expected.stdout
    or "HCHECK_OK=1" in c.expected.stdout))


def _need(case: h.Case | None) -> h.Case:
    if case is None:
        pytest.skip("no recorded cases")
    return case


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_exit_status_matches_ganeti(case: h.Case) -> None:
    assert h.ours(case).exit == case.run["exit"]


@pytest.mark.parametrize("case", OK_HINFO, ids=lambda c: getattr(c, "id", "none"))
def test_hinfo_output_matches_ganeti(case: h.Case) -> None:
    case = _need(case)
    got = h.ours(case)
    assert (diff := h.lines_match(h.drop_ipolicy(got.stdout),
                                  h.drop_ipolicy(case.expected.stdout))) is None, diff
    assert (diff := h.lines_match(got.stderr, case.expected.stderr)) is None, diff


@pytest.mark.parametrize("case", HCHECK, ids=lambda c: getattr(c, "id", "none"))
def test_hcheck_report_matches_ganeti(case: h.Case) -> None:
    case = _need(case)
    got = h.ours(case)
    assert (diff := h.lines_match(got.stdout, case.expected.stdout)) is None, diff


@pytest.mark.parametrize("case", HBAL_SCORED, ids=lambda c: getattr(c, "id", "none"))
def test_hbal_initial_score_matches_ganeti(case: h.Case) -> None:
    case = _need(case)
    theirs = h.initial_score(case.expected.stdout)
    mine = h.initial_score(h.ours(case).stdout)
    assert mine is not None and theirs is not None
    assert abs(mine - theirs) <= h.INITIAL_SCORE_TOL


@pytest.mark.parametrize("case", HBAL_SCORED, ids=lambda c: getattr(c, "id", "none"))
def test_hbal_final_score_is_not_worse_than_ganeti(case: h.Case) -> None:
    case = _need(case)
    theirs = h.final_score(case.expected.stdout)
    mine = h.final_score(h.ours(case).stdout)
    assert mine is not None and theirs is not None
    assert mine <= theirs + h.SCORE_TOL


@pytest.mark.parametrize("case", HBAL_SCORED, ids=lambda c: getattr(c, "id", "none"))
def test_hbal_steps_match_ganeti(case: h.Case) -> None:
    case = _need(case)
    mine, theirs = h.steps_of(h.ours(case).stdout), h.steps_of(case.expected.stdout)
    for a, b in zip(mine, theirs, strict=False):
        assert (a.number, a.instance, a.old, a.new, a.codes) == \
            (b.number, b.instance, b.old, b.new, b.codes), f"step {b.number}: {a} != {b}"
        assert abs(a.score - b.score) <= h.SCORE_TOL, f"step {b.number} score"
    assert len(mine) == len(theirs)


@pytest.mark.parametrize("case", HBAL, ids=lambda c: getattr(c, "id", "none"))
def test_hbal_output_matches_ganeti(case: h.Case) -> None:
    """Every stdout line: messages, steps, summary and the -C command list."""
    case = _need(case)
    got = h.ours(case)
    assert (diff := h.lines_match(h.drop_ipolicy(got.stdout),
                                  h.drop_ipolicy(case.expected.stdout))) is None, diff


@pytest.mark.parametrize("case", HBAL, ids=lambda c: getattr(c, "id", "none"))
def test_hbal_tables_and_saved_files_match_ganeti(case: h.Case) -> None:
    """stderr (node tables, instance maps, warnings, -S notes) and -S/-C files."""
    case = _need(case)
    got = h.ours(case)
    assert (diff := h.lines_match(h.ganeti_part(got.stderr), case.expected.stderr)) is None, diff
    assert sorted(got.files) == sorted(case.expected.files)
    for name, text in case.expected.files.items():
        assert got.files[name] == text, f"{name} differs"


@pytest.mark.parametrize("case", ERRORS, ids=lambda c: getattr(c, "id", "none"))
def test_errors_are_reported_without_traceback(case: h.Case) -> None:
    """Failing runs end with one `Error...` line, Ganeti's message.

    Command-line parse errors are one line in ours (Ganeti appends its usage
    text); load errors are Ganeti's line exactly, followed by the file, line
    and field of the problem in parentheses.
    """
    case = _need(case)
    got = h.ours(case)
    assert got.exit != 0
    assert "Traceback" not in got.stderr
    lines = [ln for ln in got.stderr.splitlines() if ln]
    assert lines and lines[-1].startswith(("Error", "Command line error", case.run["tool"] + ":")
                                          ), got.stderr
    if _is_cli_error(case):
        assert len(lines) == 1
        assert lines[0].split(":")[0] == case.expected.stderr.split(":")[0]
    elif h.LOAD_ERROR in case.expected.stderr:
        assert h.ganeti_part(got.stderr) == case.expected.stderr
        if _is_malformed_file(case):
            assert h.LOCATION_RE.search(lines[-1]), f"no file/line/field: {lines[-1]}"
    else:
        assert (diff := h.lines_match(got.stderr, case.expected.stderr)) is None, diff


def test_ganeti_crashes_are_few() -> None:
    """Record of the inputs on which Ganeti crashes (not compared); keep it small."""
    assert len(CRASHED) <= len(ALL_CASES) // 10, [c.id for c in CRASHED]
