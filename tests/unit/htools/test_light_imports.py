"""Tools that only load and score start without NumPy and the balancing engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import TINY

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("numpy", "agent.htools.balance", "agent.htools.balance_engine", "agent.htools.group_state")


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sys.modules))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    return set(out.split())


@pytest.mark.parametrize("call", [
    "hinfo.main(['-t', {path!r}, '-p', '--print-instances'])",
    "hcheck.main(['-t', {path!r}, '--no-simulation', '--no-capacity-checks'])",
    "hcheck.main(['-t', {path!r}, '--no-simulation', '--no-capacity-checks', "
    "'--machine-readable'])",
])
def test_tools_that_only_score_do_not_load_the_engine(tmp_path: Path, call: str) -> None:
    data = tmp_path / "tiny.data"
    data.write_text(TINY)
    code = ("import contextlib, io\nfrom shell.htools import hcheck, hinfo\n"
            "with contextlib.redirect_stdout(io.StringIO()), "
            "contextlib.redirect_stderr(io.StringIO()):\n    " + call.format(path=str(data)))
    loaded = _modules_after(code)
    assert "shell.htools.hinfo" in loaded
    assert not loaded & set(HEAVY)


def _hbal_modules(tmp_path: Path, steps: int) -> set[str]:
    data = tmp_path / "tiny.data"
    data.write_text(TINY)
    return _modules_after(
        "import contextlib, io\nfrom shell.htools import hbal\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert hbal.main(['-t', {str(data)!r}, '-l', '{steps}']) == 0")


def test_hbal_loads_the_engine_only_to_search_for_a_step(tmp_path: Path) -> None:
    no_step = _hbal_modules(tmp_path, 0)
    assert "agent.htools.balance" in no_step
    assert not no_step & {"numpy", "agent.htools.balance_engine", "agent.htools.group_state"}
    assert {"numpy", "agent.htools.balance_engine"} <= _hbal_modules(tmp_path, 1)


def test_the_package_still_exports_the_engine_on_demand() -> None:
    loaded = _modules_after("from agent.htools import balance, BalanceOptions\n"
                            "assert callable(balance) and BalanceOptions().min_gain == 0.01\n"
                            "from agent.htools.balance_engine import Engine")
    assert "numpy" in loaded
