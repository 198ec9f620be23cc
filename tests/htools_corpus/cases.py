"""The corpus manifest and the command matrix run on every corpus file.

One source of truth for `record.py` (runs Ganeti's real tools and stores
their answers) and `tests/differential` (runs ours and compares). Arguments
carry placeholders: `{data}` the .data file, `{util}` its `-U` file, `{tmp}`
a scratch directory; recorded output has the real paths replaced by them.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.htools_corpus.gen import GenParams

CORPUS_DIR = Path(__file__).resolve().parent
GENERATED_DIR = CORPUS_DIR / "generated"
EDGE_DIR = CORPUS_DIR / "edge"


@dataclass(frozen=True)
class Run:
    """One invocation of a tool on a corpus file."""

    id: str
    tool: str                 # "hbal", "hinfo" or "hcheck"
    args: tuple[str, ...]     # with placeholders
    files: tuple[str, ...] = ()  # files written under {tmp} to capture (-S, -C FILE)


@dataclass(frozen=True)
class DataInfo:
    """What the command matrix needs to know about a .data file."""

    groups_with_nodes: tuple[str, ...]
    all_groups: tuple[str, ...]
    nodes: tuple[str, ...]
    busy_nodes: tuple[str, ...]   # nodes hosting primaries, most loaded first
    instances: tuple[str, ...]
    loads: bool = True            # False if the file is malformed


# -- generated part of the corpus --------------------------------------------

def generated_manifest() -> dict[str, GenParams]:
    """Name → parameters of every generated corpus file (small: fast to test)."""
    m: dict[str, GenParams] = {}
    sizes = [5, 6, 8, 10, 12, 14, 16, 20]
    for k, n in enumerate(sizes):
        m[f"gen-basic-{n:03d}"] = GenParams(seed=100 + k, nodes=n, inst_per_node=4.0)
    for k, n in enumerate([5, 8, 12, 20]):
        m[f"gen-plain-tags-{n:03d}"] = GenParams(seed=200 + k, nodes=n, tags=False, offline_frac=0.0)
    for k, n in enumerate([8, 14, 20, 24]):
        m[f"gen-groups-{n:03d}"] = GenParams(seed=300 + k, nodes=n, groups=2 + k % 2,
                                             empty_group=k % 2 == 0, split_frac=0.03 * (k % 2))
    for k, n in enumerate([6, 10, 16, 20]):
        m[f"gen-offline-{n:03d}"] = GenParams(seed=400 + k, nodes=n, offline_frac=0.25)
    for k, n in enumerate([6, 12, 20]):
        m[f"gen-excl-{n:03d}"] = GenParams(seed=500 + k, nodes=n, groups=2, exclusive_group=True)
    for k, n in enumerate([5, 10, 14]):
        m[f"gen-forth-{n:03d}"] = GenParams(seed=600 + k, nodes=n, forthcoming_frac=0.15)
    for k, n in enumerate([6, 12, 18]):
        m[f"gen-speed-policy-{n:03d}"] = GenParams(seed=700 + k, nodes=n, cpu_speed=True, policy=True)
    for k, n in enumerate([7, 15]):
        m[f"gen-noise-{n:03d}"] = GenParams(seed=800 + k, nodes=n, noise=True,
                                            suffix=".example.com")
    for k, n in enumerate([6, 12, 16]):
        m[f"gen-util-{n:03d}"] = GenParams(seed=900 + k, nodes=n, util=True)
    for k, n in enumerate([8, 16]):
        m[f"gen-homog-{n:03d}"] = GenParams(seed=1000 + k, nodes=n, homogeneous=True,
                                            templates=(("drbd", 1.0),), tags=False,
                                            offline_frac=0.0, skew=3.0)
    for k, n in enumerate([8, 12]):
        m[f"gen-full-{n:03d}"] = GenParams(seed=1100 + k, nodes=n, fill=0.95, inst_per_node=8.0,
                                           down_frac=0.2)
    m["gen-mixed-030"] = GenParams(seed=1200, nodes=30, groups=3, inst_per_node=4.0,
                                   cpu_speed=True, policy=True, forthcoming_frac=0.03,
                                   exclusive_group=True, util=True, noise=True)
    return m


# -- reading just enough of a .data file -------------------------------------

def data_info(path: Path) -> DataInfo:
    """Group, node and instance names of a text-backend file (tolerant of errors)."""
    text = path.read_text()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    sections: list[list[str]] = [[]]
    for line in lines:
        if line == "":
            sections.append([])
        else:
            sections[-1].append(line)
    try:
        groups = [ln.split("|") for ln in sections[0]]
        uuid_to_name = {g[1]: g[0] for g in groups}
        nodes = [ln.split("|") for ln in sections[1]]
        insts = [ln.split("|") for ln in sections[2]]
        with_nodes = []
        for n in nodes:
            name = uuid_to_name[n[8]]
            if name not in with_nodes:
                with_nodes.append(name)
        order = [g[0] for g in groups if g[0] in with_nodes]
        count: dict[str, int] = {}
        for i in insts:
            count[i[6]] = count.get(i[6], 0) + 1
        busy = sorted(count, key=lambda k: (-count[k], k))
        return DataInfo(tuple(order), tuple(uuid_to_name.values()), tuple(n[0] for n in nodes),
                        tuple(busy), tuple(i[0] for i in insts), True)
    except (IndexError, KeyError):
        return DataInfo((), (), (), (), (), False)


def _short(name: str) -> str:
    """A unique-prefix form of a name as Ganeti's name lookup accepts it."""
    return name.split(".")[0]


# -- the command matrix ------------------------------------------------------

HBAL_VARIANTS: list[tuple[str, tuple[str, ...]]] = [
    ("ignore-dynu", ("--ignore-dynu",)),
    ("no-disk-moves", ("--no-disk-moves",)),
    ("no-instance-moves", ("--no-instance-moves",)),
    ("evac", ("--evac-mode",)),
    ("evac-restricted", ("-E", "--restricted-migration")),
    ("restricted", ("--restricted-migration",)),
    ("offline-node", ("-O", "{busy0}")),
    ("max-length", ("-l", "3")),
    ("min-gain", ("-g", "0.5", "--min-gain-limit", "5")),
    ("min-score", ("-e", "3")),
    ("soft-errors", ("--ignore-soft-errors",)),
    ("exclusion-tags", ("--exclusion-tags=owner,want",)),
    ("select", ("--select-instances={inst_some}",)),
    ("exclude", ("--exclude-instances={inst_some}",)),
    ("max-cpu", ("--max-cpu=2.5",)),
    ("min-disk", ("--min-disk=0.4",)),
    ("first-job-group", ("--first-job-group", "-C")),
    ("cmd-file", ("-C{tmp}/cmds.sh",)),
    ("quiet", ("-q",)),
]

HCHECK_VARIANTS: list[tuple[str, tuple[str, ...]]] = [
    ("no-capacity", ("--no-capacity-checks",)),
    ("no-simulation", ("--no-simulation",)),
    ("offline-node", ("-O", "{busy0}")),
    ("ignore-dynu", ("--ignore-dynu", "--machine-readable=yes")),
    ("evac", ("--evac-mode", "--no-capacity-checks")),
    ("max-length", ("-l", "2", "-v")),
]

#: Extra runs for hand-written edge cases (file stem → list of (id, tool, args)).
EDGE_EXTRA: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "edge-tiny": [
        ("cli-positional", "hbal", ("-t", "{data}", "extra")),
        ("cli-positional-hinfo", "hinfo", ("-t", "{data}", "extra")),
        ("cli-positional-hcheck", "hcheck", ("-t", "{data}", "extra")),
        ("cli-unknown-option", "hbal", ("-t", "{data}", "--no-such-option")),
        ("cli-unknown-short", "hinfo", ("-Z", "-t", "{data}")),
        ("cli-missing-argument", "hbal", ("-t", "{data}", "-G")),
        ("cli-no-argument-allowed", "hbal", ("-t", "{data}", "--ignore-dynu=yes")),
        ("cli-ambiguous", "hbal", ("-t", "{data}", "--ign")),
        ("cli-bad-int", "hbal", ("-t", "{data}", "-l", "three")),
        ("cli-int-leftover", "hbal", ("-t", "{data}", "-l", "3x")),
        ("cli-bad-float", "hcheck", ("-t", "{data}", "--min-gain", ".5")),
        ("cli-max-cpu-zero", "hbal", ("-t", "{data}", "--max-cpu=0")),
        ("cli-bad-choice", "hcheck", ("-t", "{data}", "--machine-readable=maybe")),
        ("cli-bad-priority", "hbal", ("-t", "{data}", "--priority=urgent")),
        ("cli-bundled-short", "hbal", ("-vvq", "-t{data}", "-l1")),
        ("cli-abbreviated-long", "hbal", ("--text-d={data}", "--max-l", "1", "--print-c")),
        ("cli-double-dash", "hbal", ("-t", "{data}", "--", "-v")),
        ("missing-file", "hbal", ("-t", "{tmp}/no-such-file.data")),
        ("missing-file-hinfo", "hinfo", ("-t", "{tmp}/no-such-file.data")),
        ("directory", "hcheck", ("-t", "{tmp}",)),
        ("two-backends", "hbal", ("-t", "{data}", "-m", "cluster.example.com")),
        ("exec-without-luxi", "hbal", ("-t", "{data}", "-X")),
        ("missing-util-file", "hbal", ("-t", "{data}", "-U", "{tmp}/nope.util")),
        ("verbose-5", "hbal", ("-t", "{data}", "-v", "-v", "-v", "-v")),
        ("quiet-0", "hbal", ("-t", "{data}", "-q", "-C")),
        ("first-job-group", "hbal", ("-t", "{data}", "--first-job-group", "-C-")),
        ("offline-unknown", "hbal", ("-t", "{data}", "-O", "nosuch", "-O", "n9")),
        ("offline-master", "hinfo", ("-t", "{data}", "-O", "n1", "-p")),
        ("select-unknown", "hbal", ("-t", "{data}", "--select-instances=web1,ghost")),
        ("min-score-high", "hbal", ("-t", "{data}", "-e", "10")),
        ("min-score-negative", "hbal", ("-t", "{data}", "-e", "-1", "-v", "-v", "-v")),
        ("hinfo-quiet", "hinfo", ("-t", "{data}", "-q", "-q")),
        ("hcheck-quiet", "hcheck", ("-t", "{data}", "-q")),
    ],
    "edge-two-groups": [
        ("group-by-name", "hbal", ("-t", "{data}", "-G", "alpha", "-C")),
        ("group-by-uuid", "hbal", ("-t", "{data}", "-G", "uuid-beta", "-C", "-p")),
        ("group-unknown", "hbal", ("-t", "{data}", "-G", "gamma")),
        ("group-empty", "hbal", ("-t", "{data}", "-G", "empty", "-p")),
        ("hinfo-verbose", "hinfo", ("-t", "{data}", "-v", "-v")),
    ],
    "edge-ambiguous-names": [
        ("offline-ambiguous", "hbal", ("-t", "{data}", "-O", "node1")),
        ("offline-prefix", "hbal", ("-t", "{data}", "-O", "node2", "-C")),
        ("select-ambiguous", "hbal", ("-t", "{data}", "--select-instances=web")),
        ("select-prefix", "hbal", ("-t", "{data}", "--select-instances=db")),
        ("exclude-unknown", "hbal", ("-t", "{data}", "--exclude-instances=nosuch,web.a")),
    ],
    "edge-offline-evac": [
        ("evac", "hbal", ("-t", "{data}", "-E", "-C")),
        ("evac-restricted", "hbal", ("-t", "{data}", "-E", "--restricted-migration", "-C")),
        ("evac-no-instance-moves", "hbal", ("-t", "{data}", "-E", "--no-instance-moves")),
        ("evac-no-disk-moves", "hbal", ("-t", "{data}", "-E", "--no-disk-moves")),
        ("soft", "hbal", ("-t", "{data}", "--ignore-soft-errors", "-C")),
    ],
    "edge-excl-tags": [("cli-exclusion", "hbal", ("-t", "{data}", "--exclusion-tags=owner", "-C"))],
    "edge-migration": [("soft", "hbal", ("-t", "{data}", "--ignore-soft-errors", "-C"))],
    "edge-split": [
        ("g1-verbose", "hbal", ("-t", "{data}", "-G", "g1", "-v", "-v")),
        ("g2-vvv", "hbal", ("-t", "{data}", "-G", "g2", "-v", "-v", "-v")),
        ("hinfo-vv", "hinfo", ("-t", "{data}", "-v", "-v")),
    ],
    "edge-suffix": [
        ("verbose", "hbal", ("-t", "{data}", "-v", "-v", "-C")),
        ("offline-short", "hbal", ("-t", "{data}", "-O", "node1")),
        ("hinfo-vvv", "hinfo", ("-t", "{data}", "-v", "-v", "-v")),
    ],
    "edge-location": [("verbose", "hbal", ("-t", "{data}", "-v", "-v", "-C"))],
    "edge-policy": [
        ("soft", "hbal", ("-t", "{data}", "--ignore-soft-errors", "-v")),
        ("max-cpu", "hbal", ("-t", "{data}", "--max-cpu=8", "-v")),
    ],
    "edge-cpu-speed": [("ignore-dynu", "hbal", ("-t", "{data}", "--ignore-dynu", "-C"))],
    "edge-n1-fail": [("verbose", "hbal", ("-t", "{data}", "-v", "-v")),
                     ("soft", "hbal", ("-t", "{data}", "--ignore-soft-errors"))],
    "edge-balanced": [("min-score-zero", "hbal", ("-t", "{data}", "-e", "0"))],
    "edge-stopped": [("commands-file", "hbal", ("-t", "{data}", "-C{tmp}/cmds.sh"))],
    "edge-inconsistent": [("quiet", "hbal", ("-t", "{data}", "-q")),
                          ("hinfo-quiet", "hinfo", ("-t", "{data}", "-q"))],
    "edge-external": [("no-instance-moves", "hbal", ("-t", "{data}", "--no-instance-moves"))],
    "edge-util": [("ignore-dynu-and-util", "hbal", ("-t", "{data}", "-U", "{util}",
                                                     "--ignore-dynu"))],
}


def _pick(name: str, options: list, count: int) -> list:
    start = zlib.crc32(name.encode()) % len(options)
    return [options[(start + k) % len(options)] for k in range(min(count, len(options)))]


def runs_for(stem: str, info: DataInfo, has_util: bool) -> list[Run]:
    """The command matrix for one corpus file."""
    runs: list[Run] = [
        Run("hinfo", "hinfo", ("-t", "{data}")),
        Run("hinfo-vvv-tables", "hinfo", ("-t", "{data}", "-v", "-v", "-v", "--print-instances",
                                          "-p+idx,amem,ptags,peermap,spindle_count,"
                                          "hi_spindles,inst_spindles,plist,slist,nosuch")),
        Run("hcheck-mr", "hcheck", ("-t", "{data}", "--machine-readable")),
        Run("hcheck", "hcheck", ("-t", "{data}")),
    ]
    grp: tuple[str, ...] = ()
    if len(info.groups_with_nodes) > 1:
        runs.append(Run("hbal-no-group", "hbal", ("-t", "{data}")))
        grp = ("-G", info.groups_with_nodes[-1])
    runs.append(Run("hbal", "hbal", ("-t", "{data}", *grp, "-C", "-p", "--print-instances",
                                     "-S", "{tmp}/state")))
    runs.append(Run("hbal-vvv", "hbal", ("-t", "{data}", *grp, "-v", "-v", "-v", "-l", "4",
                                         "-p+idx,amem,ptags,spindle_count,hi_spindles,"
                                         "inst_spindles,plist,slist")))
    for vid, vargs in _pick(stem, HBAL_VARIANTS, 3):
        runs.append(Run(f"hbal-{vid}", "hbal", ("-t", "{data}", *grp, *vargs)))
    if has_util:
        runs.append(Run("hbal-util", "hbal", ("-t", "{data}", *grp, "-U", "{util}")))
    for vid, vargs in _pick(stem, HCHECK_VARIANTS, 2):
        runs.append(Run(f"hcheck-{vid}", "hcheck", ("-t", "{data}", *vargs)))
    for rid, tool, args in EDGE_EXTRA.get(stem, []):
        runs.append(Run(rid, tool, args))
    # keep ids unique (a variant may repeat an explicit run); name the files each writes
    seen: set[str] = set()
    unique = []
    for r in runs:
        if r.id not in seen:
            seen.add(r.id)
            unique.append(Run(r.id, r.tool, r.args, files_written(r.args)))
    return unique


def files_written(args: tuple[str, ...]) -> tuple[str, ...]:
    """Files a run writes under {tmp} (`-S {tmp}/state`, `-C{tmp}/cmds.sh`)."""
    names: list[str] = []
    for a in args:
        if "{tmp}/state" in a:
            names += ["state.original", "state.balanced"]
        if "{tmp}/cmds.sh" in a:
            names.append("cmds.sh")
    return tuple(names)


def substitutions(info: DataInfo, data: Path, util: Path | None, tmp: Path) -> dict[str, str]:
    """Placeholder values for one file."""
    busy = info.busy_nodes or info.nodes or ("none",)
    insts = info.instances or ("none",)
    some = ",".join(_short(i) for i in insts[: max(1, len(insts) // 3)])
    return {
        "{data}": str(data), "{util}": str(util) if util else "/nonexistent.util",
        "{tmp}": str(tmp), "{busy0}": _short(busy[0]), "{inst_some}": some,
    }


def expand(args: tuple[str, ...], subs: dict[str, str]) -> list[str]:
    out = []
    for a in args:
        for k, v in subs.items():
            a = a.replace(k, v)
        out.append(a)
    return out


def normalise(text: str, data: Path, util: Path | None, tmp: Path) -> str:
    """Replace run-specific paths in tool output by their placeholders."""
    text = text.replace(str(tmp), "{tmp}")
    if util is not None:
        text = text.replace(str(util), "{util}")
    return text.replace(str(data), "{data}")


@dataclass
class Record:
    """The recorded answers of Ganeti's tools for one corpus file."""

    source: str
    runs: list[dict] = field(default_factory=list)
    gen: dict | None = None

    def dump(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1, sort_keys=True) + "\n")

    @staticmethod
    def load(path: Path) -> Record:
        d = json.loads(path.read_text())
        return Record(d["source"], d["runs"], d.get("gen"))


def corpus_files() -> list[Path]:
    """Every corpus .data file, edge cases first, in name order."""
    return sorted(EDGE_DIR.glob("*.data")) + sorted(GENERATED_DIR.glob("*.data"))


def record_path(data: Path) -> Path:
    return data.with_suffix(".json")


def util_path(data: Path) -> Path | None:
    u = data.with_suffix(".util")
    return u if u.exists() else None
