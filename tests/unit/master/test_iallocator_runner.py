"""Finding and running allocators: the built-in one in a thread, external programs with a request file."""

from __future__ import annotations

import asyncio
import json
import stat
import sys
import threading
import types
from pathlib import Path

import pytest

from agent.errors import OpPrereqError
from agent.master.iallocator import AllocateRequest, AllocatorRunError, call, resolve
from agent.master.iallocator import runner as runner_mod
from agent.master.iallocator.runner import SEARCH_PATH_ENV, Allocator, command_options, run
from tests.unit.master.test_iallocator_request import sample_snapshot


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _request() -> AllocateRequest:
    return AllocateRequest(name="new1", disk_template="file", memory=256, vcpus=1,
                           disks=[{"size": 1024, "mode": "rw"}])


def test_hail_is_the_built_in_allocator() -> None:
    assert resolve("hail") == Allocator("hail", None)
    assert resolve("hail").builtin


def test_a_path_names_an_executable(tmp_path: Path) -> None:
    program = _script(tmp_path / "alloc", "exit 0\n")
    assert resolve(str(program)) == Allocator(str(program), str(program))
    with pytest.raises(AllocatorRunError, match="iallocator '/nonexistent/alloc' not found"):
        resolve("/nonexistent/alloc")
    plain = tmp_path / "plain"
    plain.write_text("")
    with pytest.raises(AllocatorRunError, match="is not executable"):
        resolve(str(plain))


def test_a_name_is_looked_up_in_the_search_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    program = _script(second / "myalloc", "exit 0\n")
    monkeypatch.setenv(SEARCH_PATH_ENV, f"{first}:{second}")
    assert resolve("myalloc") == Allocator("myalloc", str(program))
    with pytest.raises(AllocatorRunError, match="iallocator module 'other' not found in the search path"):
        resolve("other")
    # Names are plain file names, never a way out of the search path.
    with pytest.raises(AllocatorRunError, match="not found in the search path"):
        resolve("..")


def test_options_are_passed_as_ganeti_passes_them() -> None:
    assert command_options({"ignore-soft-errors": None, "max-cpu": "2"}) == [
        "--ignore-soft-errors", "--max-cpu=2",
    ]


def test_an_external_allocator_gets_a_request_file_and_its_options(tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    program = _script(tmp_path / "alloc", f'cp "$1" {seen}.json; echo "$@" > {seen}.args\n'
                      'echo \'{"success": true, "info": "fine", "result": ["node1"]}\'\n')
    output = asyncio.run(run(resolve(str(program)), '{"request": 1}', {"ignore-soft-errors": None}))
    assert json.loads(output)["info"] == "fine"
    assert Path(f"{seen}.json").read_text() == '{"request": 1}'
    args = Path(f"{seen}.args").read_text().split()
    assert args[1:] == ["--ignore-soft-errors"]
    assert args[0].split("/")[-1].startswith("ganeti-iallocator.")
    assert not Path(args[0]).exists()  # the request file is removed afterwards


def test_a_failing_allocator_reports_its_exit_status_and_output(tmp_path: Path) -> None:
    program = _script(tmp_path / "alloc", "echo 'Error: cannot read input' >&2; exit 3\n")
    with pytest.raises(AllocatorRunError, match=r"iallocator module '.*alloc' failed: exited with exit code 3, "
                       r"output 'Error: cannot read input'"):
        asyncio.run(run(resolve(str(program)), "{}"))


def test_an_allocator_that_does_not_answer_in_time_is_stopped(tmp_path: Path) -> None:
    marker = tmp_path / "still-running"
    program = _script(tmp_path / "alloc", f"sleep 30; touch {marker}\n")
    with pytest.raises(AllocatorRunError, match="no answer within 0.5 seconds"):
        asyncio.run(run(resolve(str(program)), "{}", timeout=0.5))
    assert not marker.exists()


def test_the_built_in_allocator_runs_in_a_worker_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []

    def answer(text: str) -> str:
        threads.append(threading.get_ident())
        request = json.loads(text)["request"]
        return json.dumps({"success": True, "info": "built-in", "result": [request["name"]]})

    fake = types.ModuleType("agent.htools.iallocator")
    fake.answer = answer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "agent.htools.iallocator", fake)
    output = asyncio.run(run(resolve("hail"), json.dumps({"request": {"name": "x"}})))
    assert json.loads(output)["result"] == ["x"]
    assert threads and threads[0] != threading.get_ident()


def test_a_crash_of_the_built_in_allocator_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def answer(text: str) -> str:
        raise ValueError("broken model")

    fake = types.ModuleType("agent.htools.iallocator")
    fake.answer = answer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "agent.htools.iallocator", fake)
    with pytest.raises(AllocatorRunError, match="iallocator module 'hail' failed: broken model"):
        asyncio.run(run(resolve("hail"), "{}"))


def test_call_returns_the_checked_answer(tmp_path: Path) -> None:
    program = _script(tmp_path / "alloc", 'echo \'{"success": true, "info": "ok", "result": ["node1"]}\'\n')
    exchange = asyncio.run(call(str(program), sample_snapshot(), _request()))
    assert exchange.answer.result == ["node1"]
    assert exchange.input_data["request"]["name"] == "new1"


def test_call_names_the_allocator_when_its_answer_is_garbage(tmp_path: Path) -> None:
    program = _script(tmp_path / "alloc", "echo 'I am not JSON'\n")
    with pytest.raises(OpPrereqError, match=rf"Invalid answer from iallocator '{program}': Can't parse") as err:
        asyncio.run(call(str(program), sample_snapshot(), _request()))
    assert err.value.code == "environment_error"


def test_call_names_the_allocator_when_it_fails(tmp_path: Path) -> None:
    program = _script(tmp_path / "alloc", "exit 1\n")
    with pytest.raises(OpPrereqError, match=r"Failure while running the iallocator script: iallocator "
                       rf"module '{program}' failed: exited with exit code 1"):
        asyncio.run(call(str(program), sample_snapshot(), _request()))
    with pytest.raises(OpPrereqError, match="iallocator module 'nosuch' not found"):
        asyncio.run(call("nosuch", sample_snapshot(), _request()))


def test_call_passes_on_a_failed_request(tmp_path: Path) -> None:
    program = _script(tmp_path / "alloc", 'echo \'{"success": false, "info": "no room", "result": []}\'\n')
    answer = asyncio.run(call(str(program), sample_snapshot(), _request())).answer
    assert (answer.success, answer.info) == (False, "no room")


def test_default_search_path_is_ganetis() -> None:
    assert "/usr/lib/ganeti/iallocators" in runner_mod.DEFAULT_SEARCH_PATH


def test_the_built_in_allocator_takes_hails_options(monkeypatch: pytest.MonkeyPatch) -> None:
    from agent.htools.iallocator import IAllocOptions

    seen: list[object] = []

    def answer(text: str, opts: object = None) -> str:
        seen.append(opts)
        return "{}"

    fake = types.ModuleType("agent.htools.iallocator")
    fake.answer = answer  # type: ignore[attr-defined]
    fake.IAllocOptions = IAllocOptions  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "agent.htools.iallocator", fake)
    asyncio.run(run(resolve("hail"), "{}", {"ignore-soft-errors": None, "no-capacity-checks": None,
                                             "restrict-allocation-to": "node1,node2"}))
    assert seen == [IAllocOptions(capacity=False, ignore_soft_errors=True, restrict_to=("node1", "node2"))]
    with pytest.raises(AllocatorRunError, match="unrecognized option '--max-cpu=2'"):
        asyncio.run(run(resolve("hail"), "{}", {"max-cpu": "2"}))


def test_the_built_in_allocator_answers_the_masters_document() -> None:
    # node2 is drained and node3 offline: node1 is the only possible primary.
    exchange = asyncio.run(call("hail", sample_snapshot(), _request()))
    assert exchange.answer.success, exchange.answer.info
    assert exchange.answer.result == ["node1"]
