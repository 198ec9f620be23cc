"""The hail command line: arguments, exit status, answer on stdout, saved states."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from shell.htools import hail
from tests.htools_corpus.iallocator import hand


def _write(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(hand.cases()[name]))
    return path


def test_needs_exactly_one_input_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert hail.main([]) == 1
    assert capsys.readouterr().err == "Error: This program needs an input file.\n"
    req = _write(tmp_path, "alloc-drbd")
    assert hail.main([str(req), str(req)]) == 1
    assert capsys.readouterr().err == "Error: Only one argument is accepted (the input file)\n"


def test_answer_is_one_line_on_stdout_and_exit_zero(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    assert hail.main([str(_write(tmp_path, "alloc-drbd"))]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and json.loads(out)["success"] is True


def test_a_failed_request_still_exits_zero(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    assert hail.main([str(_write(tmp_path, "relocate-plain"))]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "success": False, "info": "Request failed: Can't relocate non-mirrored instances",
        "result": []}


@pytest.mark.parametrize(("name", "needle"), [
    ("bad-type", "Error: Invalid request type 'defragment'"),
    ("bad-unknown-node", "Error: Unknown node 'nodeX' for instance inst1"),
    ("bad-unknown-instance", "Error: Unknown instance 'nope'"),
    ("bad-two-groups", "Error: instance inst7 is in two node groups"),
])
def test_malformed_requests_are_an_error_line(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path, name: str, needle: str) -> None:
    assert hail.main([str(_write(tmp_path, name))]) == 1
    out = capsys.readouterr()
    assert out.out == "" and out.err.startswith(needle) and out.err.count("\n") == 1


def test_missing_file_is_reported_like_ganeti(capsys: pytest.CaptureFixture[str]) -> None:
    assert hail.main(["/nonexistent/req.json"]) == 1
    assert capsys.readouterr().err == (
        "hail: /nonexistent/req.json: openFile: does not exist (No such file or directory)\n")


def test_reads_the_request_from_stdin(capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(hand.cases()["alloc-plain"])))
    assert hail.main(["-"]) == 0
    assert json.loads(capsys.readouterr().out)["success"] is True


def test_no_capacity_checks_flag(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = hand.cluster({"g1": hand.group("default")},
                       {"a": hand.node("g1", mem=16384, free=16384 - 1024 - 10000),
                        "b": hand.node("g1", mem=16384)},
                       {"big": hand.inst(["a"], "plain", mem=10000)})
    doc["request"] = {"type": "allocate", **hand.new("x", "plain", mem=10000)}
    path = tmp_path / "req.json"
    path.write_text(json.dumps(doc))
    hail.main([str(path)])
    assert json.loads(capsys.readouterr().out)["success"] is False
    hail.main(["--no-capacity-checks", str(path)])
    assert json.loads(capsys.readouterr().out)["result"] == ["b"]


def test_restrict_allocation_to(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    hail.main(["--no-capacity-checks", "--restrict-allocation-to=node4",
               str(_write(tmp_path, "alloc-plain"))])
    assert json.loads(capsys.readouterr().out)["result"] == ["node4"]


def test_save_writes_states_before_and_after(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    prefix = tmp_path / "state"
    assert hail.main(["-S", str(prefix), str(_write(tmp_path, "alloc-plain"))]) == 0
    err = capsys.readouterr().err
    assert f"The cluster state before iallocator run has been written to file '{prefix}.pre-ialloc'" in err
    pre = (tmp_path / "state.pre-ialloc").read_text()
    post = (tmp_path / "state.post-ialloc").read_text()
    assert "new1|2048|10240|1|running" not in pre
    assert "new1|2048|10240|1|running" in post


def test_print_nodes_goes_to_stderr(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert hail.main(["-p", str(_write(tmp_path, "alloc-plain"))]) == 0
    out = capsys.readouterr()
    assert "Initial cluster status:" in out.err and "Final cluster status:" in out.err
    assert out.out.count("\n") == 1
