"""The hspace command line: option errors, output shapes and saved states."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from shell.htools import hspace


def run(*argv: str) -> tuple[int, str, str]:
    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        code = hspace.main(list(argv))
    return code, o.getvalue(), e.getvalue()


@pytest.mark.parametrize(("argv", "code", "msg"), [
    (["--simulate", "p,2,1q,1g,1"], 1,
     "Error: failed to load data, aborting: disk size: Unknown unit 'q'\n"),
    (["--simulate", "p,2,10g,1g,1", "--tiered-alloc", "1,2"], 1,
     "Invalid tiered specification: '1,2', expected disk,ram,cpu"),
    (["--simulate", "p,2,10g,1g,1", "--disk-template", "floppy"], 1,
     'Invalid string value for type DiskTemplate: "floppy"'),
    (["--simulate", "p,2,10g,1g,1", "--spindle-use", "-1"], 1,
     "Invalid value of the spindle-use (expected >= 0)"),
    (["--simulate", "p,2,10g,1g,1", "extra"], 1,
     "Error: This program doesn't take any arguments.\n"),
    (["--no-such-option"], 2, "unrecognized option `--no-such-option'"),
])
def test_bad_command_lines_give_one_clear_error(argv: list[str], code: int, msg: str) -> None:
    got, out, err = run(*argv)
    assert got == code
    assert msg in err
    assert "Traceback" not in err


def test_machine_readable_output_ends_with_ok_and_lists_every_failure_mode() -> None:
    code, out, _ = run("--simulate", "p,3,50g,8g,4", "--disk-template", "drbd",
                       "--machine-readable", "-l", "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "HTS_CLUSTER_MEM=24576"
    assert lines[-1] == "HTS_OK=1"
    assert "HTS_ALLOC_INSTANCES=3" in lines
    assert sum(1 for ln in lines if ln.startswith("HTS_ALLOC_FAIL") and ln.endswith(
        tuple("0123456789")) and "_CNT=" in ln) == 9


def test_human_output_names_template_and_results() -> None:
    code, out, _ = run("--simulate", "p,3,50g,8g,4", "--disk-template", "plain", "-l", "2")
    assert code == 0
    assert out.startswith("The cluster has 3 nodes and the following resources:\n"
                          "  MEM 24576, DSK 153600, CPU 12, VCPU 48.\n"
                          "There are no initial instances on the cluster.\n")
    assert "using disk template 'plain'." in out
    assert "Normal (fixed-size) allocation results:\n  -   2 instances allocated\n" in out


def test_save_writes_the_tiered_and_standard_states(tmp_path: Path) -> None:
    prefix = tmp_path / "state"
    code, _, err = run("--simulate", "p,2,50g,8g,4", "--disk-template", "plain", "-l", "2",
                       "-S", str(prefix))
    assert code == 0
    standard = (tmp_path / "state.standard").read_text()
    assert "new-0|128|1024|1|running|Y|" in standard
    assert (tmp_path / "state.tiered").exists()
    assert f"has been written to file '{prefix}.standard'" in err


def test_zero_limit_allocates_nothing_and_says_why() -> None:
    code, out, err = run("--simulate", "p,2,10g,1g,1", "-l", "0")
    assert code == 0, err
    assert "  - no instances allocated\n" in out
    assert "most likely failure reason: none (the allocation limit was reached)" in out
    assert "  -   0 instances allocated\n" in out
