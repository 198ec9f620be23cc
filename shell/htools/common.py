"""What hbal, hcheck and hinfo share: running a tool, errors, loading the cluster.

Loading follows Ganeti's `loadExternalData`: one backend, `-U` data, the
loading pipeline, the inconsistency warnings, then `-O`/`--min-disk`/
`--max-cpu`. The text backend (`-t`) works here; the live master (`-L` or no
backend option) and RAPI are slots the live backend fills (see
`BACKEND_LOADERS`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

from agent.htools import (
    ClusterData,
    HtoolsError,
    LoadOptions,
    LoadResult,
    load_cluster,
    parse_text,
    parse_utilisation,
    set_node_status,
)
from agent.htools.loader import paused_gc

from .options import Backend, Options, OptionsExit, emit_exit, parse_args


class ToolExit(Exception):
    """Stop the tool with an exit status; `message` (if any) goes to stderr."""

    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def fatal(msg: str) -> ToolExit:
    """Ganeti's `exitErr`: `Error: <msg>` on stderr, exit 1."""
    return ToolExit(1, f"Error: {msg}")


def out(text: str = "") -> None:
    """A line on stdout."""
    sys.stdout.write(text + "\n")


def err(text: str = "") -> None:
    """A line on stderr."""
    sys.stderr.write(text + "\n")


def write_state(path: str, stage: str, message: str, text: str, flush_stdout: bool = False) -> None:
    """`-S FILE`: write FILE.stage and say so on stderr, like Ganeti's `maybeSaveData`.

    `flush_stdout` first pushes out what the tool printed so far (hroller, hsqueeze).
    """
    target = f"{path}.{stage}"
    try:
        with open(target, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as e:
        raise fatal(f"cannot write '{target}': {e.strerror}") from None
    if flush_stdout:
        sys.stdout.flush()
    err(f"The cluster state {message} has been written to file '{target}'")


def write_commands(path: str, cmds: str) -> None:
    """`-C FILE`: the moves as a shell script (hbal, hsqueeze)."""
    from agent.htools.jobs import SCRIPT_HEADER  # NumPy: only for the tools that move

    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(SCRIPT_HEADER + cmds)
    except OSError as e:
        raise fatal(f"cannot write '{path}': {e.strerror}") from None
    out(f"The commands have been written to file '{path}'")


def _read_file_error(path: str, e: OSError) -> str:
    # Ganeti reports I/O errors the way GHC formats them
    kinds = {
        FileNotFoundError: "does not exist (No such file or directory)",
        PermissionError: "permission denied (Permission denied)",
        IsADirectoryError: "inappropriate type (is a directory)",
    }
    what = kinds.get(type(e), f"failed ({e.strerror})")
    return f"{path}: openFile: {what}"


def read_text_file(path: str) -> str:
    """Read a file named on the command line; errors are one line, Ganeti's wording."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            return fh.read()
    except OSError as e:
        raise fatal(f"failed to load data, aborting: {_read_file_error(path, e)}") from None


def _load_text_backend(opts: Options) -> ClusterData:
    path = opts.data_file or ""
    text = read_text_file(path)
    return parse_text(text, path)


def _not_available(what: str) -> Callable[[Options], ClusterData]:
    def loader(_opts: Options) -> ClusterData:
        raise fatal(f"{what} is not available in this build; use -t FILE")
    return loader


def _load_master(opts: Options) -> ClusterData:
    from .live import load_master

    return load_master(opts.luxi or None)


#: Backend → function returning raw cluster data.
BACKEND_LOADERS: dict[Backend, Callable[[Options], ClusterData]] = {
    Backend.TEXT: _load_text_backend,
    Backend.MASTER: _load_master,
    Backend.RAPI: _not_available("reading the cluster over RAPI (-m)"),
    Backend.IALLOC: _not_available("reading an IAllocator request (-I)"),
}


def _utilisation(opts: Options, tool: str) -> list:
    if opts.dynu_file is None:
        return []
    try:
        with open(opts.dynu_file, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as e:
        # Ganeti does not catch this one: the runtime reports it with the program name
        raise ToolExit(1, f"{tool}: {_read_file_error(opts.dynu_file, e)}") from None
    try:
        return parse_utilisation(text, opts.dynu_file)
    except HtoolsError as e:
        msg = str(e)
        # the library names file and line; Ganeti shows only "Cannot parse line ..."
        cut = msg.find("Cannot parse line")
        raise fatal(f"can't parse utilisation data: {msg[cut:] if cut >= 0 else msg}") from None


def load(opts: Options, tool: str) -> LoadResult:
    """Load the cluster named by the options and run the loading pipeline."""
    if len(opts.backends_given()) > 1:
        raise fatal("Only one of the rapi, luxi, and data files options should be given.")
    util = _utilisation(opts, tool)
    lopts = LoadOptions(
        exclusion_tags=tuple(opts.exclusion_tags or ()),
        select_instances=tuple(opts.select_instances),
        exclude_instances=tuple(opts.exclude_instances),
        utilisation=tuple(util), ignore_dynu=opts.ignore_dynu,
        static_kvm_node_memory=opts.static_kvm_node_memory,
    )
    with paused_gc():
        try:
            res = load_cluster(BACKEND_LOADERS[opts.backend()](opts), lopts)
        except HtoolsError as e:
            raise fatal(f"failed to load data, aborting: {e}") from None
    if opts.verbose != 0 and res.warnings:
        err("Warning: cluster has inconsistent data:")
        err("".join(f"  - {w}\n" for w in res.warnings))
    return res


def apply_node_status(opts: Options, data: ClusterData) -> None:
    """`-O`, `--min-disk` and `--max-cpu`, after loading (Ganeti `setNodeStatus`)."""
    try:
        set_node_status(data, offline=list(opts.offline), min_disk=opts.min_disk,
                        max_cpu=opts.max_cpu)
    except HtoolsError as e:
        # Ganeti's message ends in a newline of its own, hence the empty line
        raise fatal(f"{e}\n") from None


def no_arguments(args: Sequence[str]) -> None:
    if args:
        raise fatal("This program doesn't take any arguments.")


def run_tool(tool: str, argv: Sequence[str], body: Callable[[Options, list[str]], int]) -> int:
    """Parse options and run `body`, turning every failure into a message and exit status."""
    try:
        opts, args = parse_args(tool, argv)
        return body(opts, args)
    except OptionsExit as e:
        return emit_exit(e)
    except ToolExit as e:
        sys.stdout.flush()
        if e.message:
            err(e.message)
        return e.code
    except HtoolsError as e:
        sys.stdout.flush()
        err(f"Error: {e}")
        return 1
    except BrokenPipeError:
        # output closed early (`hbal ... | head`): not an error worth a traceback
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - swallow further writes
        except OSError:
            pass
        return 1
    except KeyboardInterrupt:
        err("Interrupted.")
        return 130
    except Exception as e:  # noqa: BLE001 - operators never see tracebacks
        if os.environ.get("GANETI_SHELL_DEBUG"):
            raise
        sys.stdout.flush()
        err(f"Error: internal error in {tool}: {type(e).__name__}: {e}")
        return 1
