"""Completion of live names in real shells, asked of a running master through the hidden subcommand."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shell.cli.completion import FILES
from shell.client import ClusterClient
from shell.demo import Demo

COMPLETIONS = Path(__file__).resolve().parents[2] / "completions"


def _env(cluster: Demo) -> dict[str, str]:
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
            "GANETI_SHELL_MASTER": cluster.master_address}


def test_hidden_subcommand_lists_live_names_with_notes(cluster: Demo) -> None:
    out = subprocess.run([sys.executable, "-m", "shell", "__complete", "--describe", "node", "node"],
                         capture_output=True, text=True, check=True, env=_env(cluster)).stdout
    assert [line.split("\t")[0] for line in out.splitlines()] == ["node1.demo", "node2.demo", "node3.demo"]
    assert all(line.endswith("\tdefault") for line in out.splitlines())
    pair = subprocess.run([sys.executable, "-m", "shell", "__complete", "node", "node1.demo:node3"],
                          capture_output=True, text=True, check=True, env=_env(cluster)).stdout
    assert pair.split() == ["node1.demo:node3.demo"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_instance_names_and_job_ids(cluster: Demo) -> None:
    def complete(*words: str) -> list[str]:
        array = " ".join(f"'{w}'" for w in words)
        script = (f"source {COMPLETIONS / FILES['bash']}; COMP_WORDS=({array}); COMP_CWORD={len(words) - 1}; "
                  f"_ganeti_shell_{words[0].removeprefix('gnt-')}; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
        out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True, env=_env(cluster))
        return sorted(line for line in out.stdout.splitlines() if line)

    assert complete("gnt-instance", "startup", "web") == ["web1.demo", "web2.demo"]
    assert complete("gnt-instance", "add", "-n", "node") == ["node1.demo", "node2.demo", "node3.demo"]
    assert complete("gnt-job", "info", "")  # the demo's creation jobs


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes_filter_uuids_with_their_action(cluster: Demo) -> None:
    with ClusterClient(cluster.master_address) as client:
        uuid = client.replace_filter(None, priority=7, predicates=[], action="PAUSE")
    try:
        out = subprocess.run(["fish", "--no-config", "-c",
                              f"source {COMPLETIONS / FILES['fish']}; complete -C 'gnt-filter delete {uuid[:6]}'"],
                             capture_output=True, text=True, check=True, env=_env(cluster)).stdout
        assert out.splitlines() == [f"{uuid}\tpriority 7 PAUSE"]
    finally:
        with ClusterClient(cluster.master_address) as client:
            client.delete_filter(uuid)


@pytest.mark.skipif(shutil.which("zsh") is None or shutil.which("tmux") is None, reason="needs zsh and tmux")
def test_zsh_completes_instance_names_in_a_real_terminal(cluster: Demo, tmp_path: Path) -> None:
    fpath = tmp_path / "zfunc"
    fpath.mkdir()
    shutil.copy(COMPLETIONS / FILES["zsh"], fpath / FILES["zsh"])
    env = _env(cluster)
    session = f"gs-zsh-{os.getpid()}"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "30",
                    f"env -i HOME={tmp_path} TERM=xterm PATH={env['PATH']} "
                    f"GANETI_SHELL_MASTER={cluster.master_address} zsh -f"], check=True)
    try:
        def keys(*k: str) -> None:
            subprocess.run(["tmux", "send-keys", "-t", session, *k], check=True)

        keys(f"fpath=({fpath} $fpath); autoload -U compinit; compinit -u -D; PS1='> '", "Enter")
        keys("clear", "Enter")
        def wait_for(*texts: str) -> str:
            deadline = time.monotonic() + 20
            screen = ""
            while time.monotonic() < deadline:
                screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session],
                                        capture_output=True, text=True).stdout
                if all(text in screen for text in texts):
                    return screen
                time.sleep(0.2)
            raise AssertionError(f"{texts} never appeared:\n{screen}")

        keys("gnt-instance startup w", "Tab")  # the first TAB inserts the common prefix,
        wait_for("> gnt-instance startup web")
        keys("Tab")  # the second lists the candidates
        wait_for("web1.demo", "web2.demo")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
