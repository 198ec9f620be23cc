"""Command-line options of hbal, hcheck and hinfo, parsed the way Ganeti does.

Same option names, short forms, argument styles and defaults as Ganeti
3.0.2's htools (`CLI.hs`), and the same parsing rules (Haskell's GetOpt in
permute mode): long options may be abbreviated to a unique prefix, short
options may be bundled (`-vvq`), optional arguments must be attached
(`-p+idx`, `--print-nodes=name`), and unknown options exit 2 while bad
option values exit 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from .haskell_read import ReadError, read_float, read_int

VERSION = "0.1.0"
GANETI_VERSION = "3.0.2"
#: `-L` without an argument: the local master's socket (resolved by the live backend).
DEFAULT_MASTER_SOCKET = ""


class ArgKind(Enum):
    """Whether an option takes an argument."""

    NONE = "none"
    REQUIRED = "required"
    OPTIONAL = "optional"


class Backend(Enum):
    """Where the cluster data comes from."""

    TEXT = "text"          # -t FILE
    MASTER = "master"      # -L[SOCKET], or no backend option at all
    RAPI = "rapi"          # -m ADDRESS
    IALLOC = "ialloc"      # -I FILE


@dataclass
class Options:
    """Parsed options; defaults are Ganeti's (`defaultOptions` in CLI.hs)."""

    data_file: str | None = None
    disk_moves: bool = True
    instance_moves: bool = True
    dynu_file: str | None = None
    ignore_dynu: bool = False
    ignore_soft_errors: bool = False
    mond: bool = False
    mond_data: str | None = None
    mond_xen: bool = False
    mond_exit_missing: bool = False
    evac_mode: bool = False
    restricted_migration: bool = False
    exclude_instances: list[str] = field(default_factory=list)
    exclusion_tags: list[str] | None = None
    exec_jobs: bool = False
    first_job_group: bool = False
    group: str | None = None
    ialloc_src: str | None = None
    select_instances: list[str] = field(default_factory=list)
    luxi: str | None = None
    machine_readable: bool = False
    rapi_master: str = ""
    max_length: int = -1
    max_cpu: float | None = None
    min_disk: float = 0.0
    min_gain: float = 1e-2
    min_gain_limit: float = 1e-1
    min_score: float = 1e-9
    no_simulation: bool = False
    offline: list[str] = field(default_factory=list)
    reason: str | None = None
    save_cluster: str | None = None
    show_commands: str | None = None
    show_help: bool = False
    show_completion: bool = False
    show_instances: bool = False
    show_nodes: list[str] | None = None
    show_version: bool = False
    static_kvm_node_memory: int = 4096
    verbose: int = 1
    priority: str | None = None
    capacity_checks: bool = True
    restrict_to_nodes: list[str] | None = None
    node_tags: list[str] | None = None
    offline_maintenance: bool = False
    print_moves: bool = False
    full_evacuation: bool = False
    skip_non_redundant: bool = False
    ignore_non_redundant: bool = False
    force: bool = False
    one_step_only: bool = False
    no_headers: bool = False
    min_resources: float = 2.0
    target_resources: float = 2.0
    disk_template: str | None = None
    spindle_use: int | None = None
    node_sim: list[str] = field(default_factory=list)
    independent_groups: bool = False
    accept_existing: bool = False
    std_spec: tuple[int, int, int, int] | None = None
    tiered_spec: tuple[int, int, int, int] | None = None

    def backends_given(self) -> list[Backend]:
        """The mutually exclusive data sources named on the command line."""
        out = []
        if self.rapi_master:
            out.append(Backend.RAPI)
        if self.luxi is not None:
            out.append(Backend.MASTER)
        if self.data_file is not None:
            out.append(Backend.TEXT)
        return out

    def backend(self) -> Backend:
        """The backend to load from (Ganeti's precedence); no option means the master."""
        given = self.backends_given()
        if given:
            return given[0]
        if self.ialloc_src is not None:
            return Backend.IALLOC
        return Backend.MASTER


class OptionValueError(ValueError):
    """An option's value is invalid (Ganeti: exit 1)."""


Apply = Callable[[Options, "str | None"], None]


@dataclass(frozen=True)
class OptionDef:
    """One command-line option: spelling, argument style, help, how it sets `Options`."""

    short: str
    long: str
    kind: ArgKind
    metavar: str
    help: str
    completion: str
    apply: Apply


def sep_split(text: str, sep: str = ",") -> list[str]:
    """Ganeti's `sepSplit`: "" → [], "a," → ["a", ""]."""
    return text.split(sep) if text else []


def _yes_no(value: str | None) -> bool:
    if value is None or value == "yes":
        return True
    if value == "no":
        return False
    raise OptionValueError(f"Invalid choice '{value}', pass one of 'yes' or 'no'")


def _read_float(what: str, value: str | None) -> float:
    try:
        return read_float(what, value or "")
    except ReadError as e:
        raise OptionValueError(str(e)) from None


def _read_int(what: str, value: str | None) -> int:
    try:
        return read_int(what, value or "")
    except ReadError as e:
        raise OptionValueError(str(e)) from None


def _set(attr: str, conv: Callable[[str | None], object] = lambda v: v) -> Apply:
    def apply(o: Options, v: str | None) -> None:
        setattr(o, attr, conv(v))
    return apply


def _max_cpu(o: Options, v: str | None) -> None:
    ratio = _read_float("parsing max-cpu", v)
    if ratio <= 0:
        raise OptionValueError("Invalid value of the max-cpu ratio, expected >0")
    o.max_cpu = ratio


def _print_nodes(o: Options, v: str | None) -> None:
    v = v or ""
    o.show_nodes = ["+", *sep_split(v[1:])] if v.startswith("+") else sep_split(v)


def _priority(o: Options, v: str | None) -> None:
    if v not in ("low", "normal", "high"):
        raise OptionValueError(f"Unknown priority '{v}'")
    o.priority = v


def _offline(o: Options, v: str | None) -> None:
    # Ganeti prepends: error messages list the nodes in reverse order
    o.offline.insert(0, v or "")


def _verbose(delta: int) -> Apply:
    def apply(o: Options, _v: str | None) -> None:
        o.verbose += delta
    return apply


def _flag(attr: str, value: bool = True) -> Apply:
    return _set(attr, lambda _v: value)


def _disk_template(o: Options, v: str | None) -> None:
    names = ("diskless", "file", "sharedfile", "plain", "blockdev", "drbd", "rbd", "ext",
             "gluster")
    if v not in names:
        raise OptionValueError(f'Invalid string value for type DiskTemplate: "{v}"')
    o.disk_template = v


def _spindle_use(o: Options, v: str | None) -> None:
    su = _read_int("parsing spindle-use", v)
    if su < 0:
        raise OptionValueError("Invalid value of the spindle-use (expected >= 0)")
    o.spindle_use = su


def _node_sim(o: Options, v: str | None) -> None:
    o.node_sim.append(v or "")


def parse_ispec(descr: str, text: str) -> tuple[int, int, int, int]:
    """`disk,ram,cpu[,spindles]` (units allowed for disk and ram) -> (disk, ram, cpu, spn)."""
    from agent.htools.hspace import parse_unit

    parts = sep_split(text)
    if len(parts) not in (3, 4):
        raise OptionValueError(f"Invalid {descr} specification: '{text}', expected disk,ram,cpu")
    vals = []
    for what, val in zip(("disk", "memory"), parts[:2], strict=False):
        try:
            vals.append(parse_unit(val))
        except ValueError as e:
            raise OptionValueError(f"{descr} specs {what}: {e}") from None
    vals.append(_read_int(f"{descr} specs cpus", parts[2]))
    vals.append(_read_int(f"{descr} specs spindles", parts[3]) if len(parts) == 4 else 1)
    return vals[0], vals[1], vals[2], vals[3]


def _ispec(attr: str, descr: str) -> Apply:
    def apply(o: Options, v: str | None) -> None:
        setattr(o, attr, parse_ispec(descr, v or ""))
    return apply


N, R, OPT = ArgKind.NONE, ArgKind.REQUIRED, ArgKind.OPTIONAL

#: Every option these tools know, by a key used in the per-tool lists below.
ALL_OPTIONS: dict[str, OptionDef] = {
    "print_nodes": OptionDef("p", "print-nodes", OPT, "FIELDS",
                             "print the node table (FIELDS: comma list, '+' adds to the defaults)",
                             "none", _print_nodes),
    "print_instances": OptionDef("", "print-instances", N, "",
                                 "print the instance map", "none", _flag("show_instances")),
    "print_commands": OptionDef("C", "print-commands", OPT, "FILE",
                                "print the gnt-instance commands that reach the solution, or "
                                "write them as a shell script to FILE",
                                "none", _set("show_commands", lambda v: v or "-")),
    "data_file": OptionDef("t", "text-data", R, "FILE", "read the cluster from the text FILE",
                           "file", _set("data_file")),
    "evac_mode": OptionDef("E", "evac-mode", N, "",
                           "evacuation mode: only move instances off offline or drained nodes",
                           "none", _flag("evac_mode")),
    "restricted_migration": OptionDef("", "restricted-migration", N, "",
                                      "no replace-primary (frf) moves; with -E only instances on "
                                      "drained nodes migrate", "none",
                                      _flag("restricted_migration")),
    "rapi": OptionDef("m", "master", R, "ADDRESS", "read the cluster over RAPI from ADDRESS",
                      "host", _set("rapi_master")),
    "luxi": OptionDef("L", "luxi", OPT, "SOCKET",
                      "read the cluster from the master daemon (optionally at SOCKET)",
                      "file", _set("luxi", lambda v: DEFAULT_MASTER_SOCKET if v is None else v)),
    "ialloc_src": OptionDef("I", "ialloc-src", R, "FILE",
                            "read the cluster from an IAllocator request FILE",
                            "file", _set("ialloc_src")),
    "exec_jobs": OptionDef("X", "exec", N, "",
                           "submit the moves as jobs to the master (needs -L)",
                           "none", _flag("exec_jobs")),
    "first_job_group": OptionDef("", "first-job-group", N, "",
                                 "only the first set of independent jobs",
                                 "none", _flag("first_job_group")),
    "reason": OptionDef("", "reason", R, "REASON", "reason recorded with submitted jobs",
                        "string", _set("reason")),
    "group": OptionDef("G", "group", R, "ID", "the node group to work on (name or UUID)",
                       "onegroup", _set("group")),
    "max_length": OptionDef("l", "max-length", R, "N", "stop after N balancing steps",
                            "integer",
                            _set("max_length", lambda v: _read_int("max solution length", v))),
    "verbose": OptionDef("v", "verbose", N, "", "more output (repeatable)", "none", _verbose(1)),
    "quiet": OptionDef("q", "quiet", N, "", "less output (repeatable)", "none", _verbose(-1)),
    "offline": OptionDef("O", "offline", R, "NODE", "treat NODE as offline (repeatable)",
                         "onenode", _offline),
    "static_kvm_node_memory": OptionDef(
        "", "static-kvm-node-memory", R, "N",
        "memory in MiB assumed used by a KVM node's OS (0: as reported)", "integer",
        _set("static_kvm_node_memory", lambda v: _read_int("static node memory", v))),
    "min_score": OptionDef("e", "min-score", R, "EPSILON",
                           "stop when the score is within EPSILON of the N+1 optimum",
                           "float", _set("min_score", lambda v: _read_float("min score", v))),
    "max_cpu": OptionDef("", "max-cpu", R, "RATIO",
                         "maximum virtual to physical CPU ratio (> 0) [cluster policy]",
                         "float", _max_cpu),
    "min_disk": OptionDef("", "min-disk", R, "RATIO",
                          "minimum fraction of free disk to keep on nodes [0]", "float",
                          _set("min_disk", lambda v: _read_float("min free disk space", v))),
    "min_gain": OptionDef("g", "min-gain", R, "DELTA",
                          "smallest score gain worth a step (below --min-gain-limit)",
                          "float", _set("min_gain", lambda v: _read_float("min gain", v))),
    "min_gain_limit": OptionDef("", "min-gain-limit", R, "SCORE",
                                "score under which --min-gain applies", "float",
                                _set("min_gain_limit",
                                     lambda v: _read_float("min gain limit", v))),
    "disk_moves": OptionDef("", "no-disk-moves", N, "",
                            "only failovers and migrations, no disk moves",
                            "none", _flag("disk_moves", False)),
    "select_instances": OptionDef("", "select-instances", R, "INSTS",
                                  "move only these instances (comma list)", "manyinstances",
                                  _set("select_instances", lambda v: sep_split(v or ""))),
    "instance_moves": OptionDef("", "no-instance-moves", N, "",
                                "only secondary (disk) changes, no primary moves",
                                "none", _flag("instance_moves", False)),
    "ignore_soft_errors": OptionDef("", "ignore-soft-errors", N, "",
                                    "ignore soft limits (CPU ratio, spindles, N+1) in moves",
                                    "none", _flag("ignore_soft_errors")),
    "dynu_file": OptionDef("U", "dynu-file", R, "FILE",
                           "read instance dynamic utilisation from FILE",
                           "file", _set("dynu_file")),
    "ignore_dynu": OptionDef("", "ignore-dynu", N, "", "set all dynamic utilisation to zero",
                             "none", _flag("ignore_dynu")),
    "mond": OptionDef("", "mond", OPT, "CHOICE", "query the monitoring daemons (yes or no)",
                      "choices=yes,no", _set("mond", _yes_no)),
    "mond_data": OptionDef("", "mond-data", R, "FILE",
                           "read monitoring daemon data from FILE", "file", _set("mond_data")),
    "mond_exit_missing": OptionDef("", "exit-on-missing-mond-data", N, "",
                                   "fail when monitoring data is incomplete", "none",
                                   _flag("mond_exit_missing")),
    "mond_xen": OptionDef("", "mond-xen", N, "", "use the Xen collectors of the monitoring "
                          "daemons too", "none", _flag("mond_xen")),
    "exclusion_tags": OptionDef("", "exclusion-tags", R, "TAG,...",
                                "instance tag prefixes that must not share a node",
                                "string", _set("exclusion_tags", lambda v: sep_split(v or ""))),
    "exclude_instances": OptionDef("", "exclude-instances", R, "INSTS",
                                   "never move these instances (comma list)", "manyinstances",
                                   _set("exclude_instances", lambda v: sep_split(v or ""))),
    "save": OptionDef("S", "save", R, "FILE",
                      "write the cluster state to FILE.<stage> in the text format",
                      "none", _set("save_cluster")),
    "priority": OptionDef("", "priority", R, "PRIO", "priority of submitted jobs",
                          "choices=low,normal,high", _priority),
    "machine_readable": OptionDef("", "machine-readable", OPT, "CHOICE",
                                  "shell-variable output (yes or no; no argument means yes)",
                                  "choices=yes,no", _set("machine_readable", _yes_no)),
    "no_simulation": OptionDef("", "no-simulation", N, "", "skip the rebalancing simulation",
                               "none", _flag("no_simulation")),
    "restrict_to_nodes": OptionDef("", "restrict-allocation-to", R, "NODES",
                                   "restrict allocations to the given nodes (comma list)",
                                   "none", _set("restrict_to_nodes",
                                                lambda v: sep_split(v or ""))),
    "no_capacity_checks": OptionDef("", "no-capacity-checks", N, "",
                                    "skip capacity checks (global N+1)", "none",
                                    _flag("capacity_checks", False)),
    "disk_template": OptionDef("", "disk-template", R, "TEMPLATE",
                               "disk template of the new instances [first of the policy]",
                               "choices=diskless,file,sharedfile,plain,blockdev,drbd,rbd,ext,"
                               "gluster", _disk_template),
    "spindle_use": OptionDef("", "spindle-use", R, "SPINDLES",
                             "spindles a new instance uses [cluster standard spec]", "float",
                             _spindle_use),
    "node_sim": OptionDef("", "simulate", R, "SPEC",
                          "simulate an empty cluster group, given as "
                          "'alloc_policy,num_nodes,disk,ram,cpu' (repeatable)", "string",
                          _node_sim),
    "independent_groups": OptionDef("", "independent-groups", N, "",
                                    "consider groups independently", "none",
                                    _flag("independent_groups")),
    "accept_existing": OptionDef("", "accept-existing-errors", N, "",
                                 "accept existing N+1 violations; just add no new ones", "none",
                                 _flag("accept_existing")),
    "std_spec": OptionDef("", "standard-alloc", R, "STDSPEC",
                          "standard instance spec, given as 'disk,ram,cpu[,spindles]'",
                          "string", _ispec("std_spec", "standard")),
    "tiered_spec": OptionDef("", "tiered-alloc", R, "TSPEC",
                             "tiered initial instance spec, given as 'disk,ram,cpu[,spindles]'",
                             "string", _ispec("tiered_spec", "tiered")),
    "offline_maintenance": OptionDef("", "offline-maintenance", N, "",
                                     "plan offline maintenance: all instances are down, "
                                     "only replication pairs conflict", "none",
                                     _flag("offline_maintenance")),
    "no_headers": OptionDef("", "no-headers", N, "", "do not print the header line", "none",
                            _flag("no_headers")),
    "node_tags": OptionDef("", "node-tags", R, "TAG,...",
                           "only nodes carrying at least one of these tags", "string",
                           _set("node_tags", lambda v: sep_split(v or ""))),
    "print_moves": OptionDef("", "print-moves", N, "",
                             "print the instance moves each reboot group needs", "none",
                             _flag("print_moves")),
    "full_evacuation": OptionDef("", "full-evacuation", N, "",
                                 "move all instances (primaries and secondaries) off the "
                                 "nodes to reboot", "none", _flag("full_evacuation")),
    "skip_non_redundant": OptionDef("", "skip-non-redundant", N, "",
                                    "leave out nodes hosting a non-redundant instance", "none",
                                    _flag("skip_non_redundant")),
    "ignore_non_redundant": OptionDef("", "ignore-non-redundant", N, "",
                                      "do as if there were no non-redundant instances",
                                      "none", _flag("ignore_non_redundant")),
    "force": OptionDef("f", "force", N, "", "go on despite warnings (e.g. no master node)",
                       "none", _flag("force")),
    "one_step_only": OptionDef("", "one-step-only", N, "", "only the first reboot group",
                               "none", _flag("one_step_only")),
    "min_resources": OptionDef("", "minimal-resources", R, "FACTOR",
                               "free resources each node must keep, in standard instances, "
                               "below which standby nodes are powered on [2.0]", "float",
                               _set("min_resources",
                                    lambda v: _read_float("minimal resources", v))),
    "target_resources": OptionDef("", "target-resources", R, "FACTOR",
                                  "free resources each node keeps after squeezing, in "
                                  "standard instances [2.0]", "float",
                                  _set("target_resources",
                                       lambda v: _read_float("target resources", v))),
    "version": OptionDef("V", "version", N, "", "show the version", "none",
                         _flag("show_version")),
    "help": OptionDef("h", "help", N, "", "show this help", "none", _flag("show_help")),
    "help_completion": OptionDef("", "help-completion", N, "", "show completion data", "none",
                                 _flag("show_completion")),
}

GENERIC = ["version", "help", "help_completion"]

#: Per tool, the options in Ganeti's order (this is also the --help order).
TOOL_OPTIONS: dict[str, list[str]] = {
    "hbal": [
        "print_nodes", "print_instances", "print_commands", "data_file", "evac_mode",
        "restricted_migration", "rapi", "luxi", "ialloc_src", "exec_jobs", "first_job_group",
        "reason", "group", "max_length", "verbose", "quiet", "offline",
        "static_kvm_node_memory", "min_score", "max_cpu", "min_disk", "min_gain",
        "min_gain_limit", "disk_moves", "select_instances", "instance_moves",
        "ignore_soft_errors", "dynu_file", "ignore_dynu", "mond", "mond_data",
        "mond_exit_missing", "mond_xen", "exclusion_tags", "exclude_instances", "save",
        "priority", *GENERIC,
    ],
    "hcheck": [
        "data_file", "disk_moves", "dynu_file", "ignore_dynu", "evac_mode",
        "exclude_instances", "exclusion_tags", "ialloc_src", "instance_moves", "luxi",
        "machine_readable", "max_cpu", "max_length", "min_disk", "min_gain", "min_gain_limit",
        "min_score", "ignore_soft_errors", "no_simulation", "offline", "quiet", "rapi",
        "select_instances", "no_capacity_checks", "verbose", *GENERIC,
    ],
    "hspace": [
        "print_nodes", "data_file", "disk_template", "spindle_use", "node_sim", "rapi", "luxi",
        "ialloc_src", "verbose", "quiet", "independent_groups", "accept_existing", "offline",
        "no_capacity_checks", "machine_readable", "max_cpu", "max_length", "min_disk",
        "std_spec", "tiered_spec", "save", "static_kvm_node_memory", *GENERIC,
    ],
    "hroller": [
        "luxi", "rapi", "data_file", "ialloc_src", "offline", "offline_maintenance", "verbose",
        "quiet", "no_headers", "node_tags", "save", "group", "print_moves", "full_evacuation",
        "skip_non_redundant", "ignore_non_redundant", "force", "one_step_only",
        "static_kvm_node_memory", *GENERIC,
    ],
    "hsqueeze": [
        "luxi", "data_file", "exec_jobs", "min_resources", "target_resources", "save",
        "print_commands", "verbose", "no_headers", "static_kvm_node_memory", *GENERIC,
    ],
    "hail": [
        "print_nodes", "save", "data_file", "node_sim", "verbose", "ignore_dynu",
        "ignore_soft_errors", "no_capacity_checks", "restrict_to_nodes", "mond", "mond_xen",
        "static_kvm_node_memory", *GENERIC,
    ],
    "hinfo": [
        "print_nodes", "print_instances", "data_file", "rapi", "luxi", "ialloc_src", "verbose",
        "quiet", "offline", "ignore_dynu", "mond", "mond_data", "static_kvm_node_memory",
        *GENERIC,
    ],
}


class OptionsExit(Exception):
    """Parsing ends the program: help, version, or a command-line error."""

    def __init__(self, code: int, stdout: str = "", stderr: str = "") -> None:
        super().__init__(stderr or stdout)
        self.code = code
        self.stdout = stdout
        self.stderr = stderr


def _fmt_short(d: OptionDef) -> str:
    if not d.short:
        return ""
    if d.kind is ArgKind.REQUIRED:
        return f"-{d.short} {d.metavar}"
    if d.kind is ArgKind.OPTIONAL:
        return f"-{d.short}[{d.metavar}]"
    return f"-{d.short}"


def _fmt_long(d: OptionDef) -> str:
    if d.kind is ArgKind.REQUIRED:
        return f"--{d.long}={d.metavar}"
    if d.kind is ArgKind.OPTIONAL:
        return f"--{d.long}[={d.metavar}]"
    return f"--{d.long}"


def usage(tool: str) -> str:
    """The --help text, laid out like GetOpt's `usageInfo`."""
    defs = [ALL_OPTIONS[k] for k in TOOL_OPTIONS[tool]]
    shorts = [_fmt_short(d) for d in defs]
    longs = [_fmt_long(d) for d in defs]
    ws, wl = max(map(len, shorts)), max(map(len, longs))
    lines = [f"{tool} (ganeti-shell) version {VERSION}", f"Usage: {tool} [OPTION...]"]
    for s, lg, d in zip(shorts, longs, defs, strict=True):
        lines.append(f"  {s.ljust(ws)}  {lg.ljust(wl)}  {d.help}")
    return "\n".join(lines) + "\n"


def version_text(tool: str) -> str:
    import platform  # only here: it costs every other run of the tools its import

    return (f"{tool} (ganeti-shell) version {VERSION}\n"
            f"compatible with Ganeti {GANETI_VERSION} htools\n"
            f"running on {platform.system().lower()} {platform.machine()}, "
            f"Python {platform.python_version()}\n")


def completion_text(tool: str) -> str:
    out = []
    for k in TOOL_OPTIONS[tool]:
        d = ALL_OPTIONS[k]
        names = ([f"-{d.short}"] if d.short else []) + [f"--{d.long}"]
        out.append(f"{','.join(names)} {d.completion}")
    return "\n".join(out) + "\n"


def _find_long(defs: Sequence[OptionDef], name: str) -> list[OptionDef]:
    exact = [d for d in defs if d.long == name]
    return exact or [d for d in defs if d.long.startswith(name)]


def _getopt(defs: Sequence[OptionDef], argv: Sequence[str]
            ) -> tuple[list[tuple[OptionDef, str | None]], list[str], list[str]]:
    """GetOpt in permute mode: (options with values, non-options, error messages)."""
    found: list[tuple[OptionDef, str | None]] = []
    rest: list[str] = []
    errors: list[str] = []
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            matches = _find_long(defs, name)
            shown = "--" + name
            if len(matches) > 1:
                cands = ", ".join("--" + d.long for d in matches)
                errors.append(f"option `{shown}' is ambiguous; could be one of: {cands}")
            elif not matches:
                errors.append(f"unrecognized option `{shown}'")
            else:
                d = matches[0]
                if d.kind is ArgKind.NONE:
                    if eq:
                        errors.append(f"option `{shown}' doesn't allow an argument")
                    else:
                        found.append((d, None))
                elif d.kind is ArgKind.OPTIONAL:
                    found.append((d, value if eq else None))
                elif eq:
                    found.append((d, value))
                elif i < len(args):
                    found.append((d, args[i]))
                    i += 1
                else:
                    errors.append(f"option `{shown}' requires an argument {d.metavar}")
        elif arg.startswith("-") and arg != "-":
            ch, tail = arg[1], arg[2:]
            matches = [d for d in defs if d.short == ch]
            if not matches:
                errors.append(f"unrecognized option `-{ch}'")
                if tail:
                    args.insert(i, "-" + tail)
                continue
            d = matches[0]
            if d.kind is ArgKind.NONE:
                found.append((d, None))
                if tail:
                    args.insert(i, "-" + tail)
            elif d.kind is ArgKind.OPTIONAL:
                found.append((d, tail if tail else None))
            elif tail:
                found.append((d, tail))
            elif i < len(args):
                found.append((d, args[i]))
                i += 1
            else:
                errors.append(f"option `-{ch}' requires an argument {d.metavar}")
        else:
            rest.append(arg)
    return found, rest, errors


def parse_args(tool: str, argv: Sequence[str]) -> tuple[Options, list[str]]:
    """Parse `argv` for `tool`; raise `OptionsExit` for help, version and errors.

    Unknown options and missing arguments exit 2, invalid values exit 1, as
    in Ganeti; each error is reported on one line.
    """
    defs = [ALL_OPTIONS[k] for k in TOOL_OPTIONS[tool]]
    found, rest, errors = _getopt(defs, argv)
    if errors:
        msg = "; ".join(errors)
        raise OptionsExit(2, stderr=f"Command line error: {msg} (see '{tool} --help')\n")
    opts = Options()
    for d, value in found:
        try:
            d.apply(opts, value)
        except OptionValueError as e:
            raise OptionsExit(1, stderr=f"Error while parsing command line arguments: {e}\n"
                              ) from None
    if opts.show_help:
        raise OptionsExit(0, stdout=usage(tool))
    if opts.show_version:
        raise OptionsExit(0, stdout=version_text(tool))
    if opts.show_completion:
        raise OptionsExit(0, stdout=completion_text(tool))
    return opts, rest


def emit_exit(e: OptionsExit) -> int:
    """Print an `OptionsExit`'s text on the right streams and return its exit code."""
    if e.stdout:
        sys.stdout.write(e.stdout)
    if e.stderr:
        sys.stderr.write(e.stderr)
    return e.code
