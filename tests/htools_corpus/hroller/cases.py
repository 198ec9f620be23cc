"""The hroller/hsqueeze corpus: its inputs and the command matrix run on each.

One source of truth for `record.py` (runs Ganeti's real tools, stores their
answers under `records/`) and `tests/differential/test_hroller_corpus.py` /
`test_hsqueeze_corpus.py` (run ours, compare). Inputs are the shared corpus
files (`../edge`, `../generated`), the hand-written `*.data` here and the
seeded power-management clusters of `power_manifest()` (written to
`generated/`). Arguments use the placeholders of `tests/htools_corpus/cases.py`
(`{data}`, `{tmp}`).
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.htools_corpus import cases as shared
from tests.htools_corpus.gen import GenParams, generate, serialize

HERE = Path(__file__).resolve().parent
RECORDS_DIR = HERE / "records"
GENERATED_DIR = HERE / "generated"

STANDBY_TAGS = ("htools:standby:auto", "htools:standby:manual")


@dataclass(frozen=True)
class PowerParams:
    """A generated cluster for hsqueeze: mostly externally mirrored, standby-tagged spares."""

    gen: GenParams
    standby_frac: float = 0.7


@dataclass(frozen=True)
class Run:
    """One invocation of hroller or hsqueeze on an input."""

    id: str
    tool: str
    args: tuple[str, ...]


# -- inputs -------------------------------------------------------------------------

_EXTERNAL = (("ext", 3.0), ("rbd", 2.0))
_MIXED = (("ext", 3.0), ("rbd", 1.0), ("drbd", 1.0), ("diskless", 0.3), ("file", 0.3))


def power_manifest() -> dict[str, PowerParams]:
    """Name → parameters of the generated hsqueeze clusters (small: Ganeti rebalances often)."""
    m: dict[str, PowerParams] = {}
    for k, (n, fill, ipn) in enumerate([(6, 0.3, 2.0), (8, 0.5, 2.0), (10, 0.2, 1.0),
                                        (12, 0.6, 3.0), (9, 0.9, 3.0)]):
        m[f"power-ext-{n:03d}-{k}"] = PowerParams(GenParams(
            seed=7100 + k, nodes=n, inst_per_node=ipn, fill=fill, templates=_EXTERNAL,
            offline_frac=0.25, tags=k % 2 == 0))
    for k, (n, fill) in enumerate([(8, 0.4), (12, 0.7), (14, 0.3)]):
        m[f"power-mixed-{n:03d}-{k}"] = PowerParams(GenParams(
            seed=7200 + k, nodes=n, inst_per_node=2.0, fill=fill, templates=_MIXED,
            offline_frac=0.2, groups=1 + k % 2), standby_frac=0.5)
    for k, n in enumerate([6, 8]):
        m[f"power-full-{n:03d}-{k}"] = PowerParams(GenParams(
            seed=7300 + k, nodes=n, inst_per_node=4.0, fill=0.97, templates=_EXTERNAL,
            offline_frac=0.3, down_frac=0.0), standby_frac=1.0)
    return m


def power_text(p: PowerParams) -> str:
    """The cluster of `p` in the text format, its offline nodes partly tagged as standby."""
    cluster = generate(p.gen)
    rng = random.Random(p.gen.seed * 31 + 7)
    for node in cluster.nodes:
        if node.offline and rng.random() < p.standby_frac:
            node.tags.append(rng.choice(STANDBY_TAGS))
    return serialize(cluster)


def hand_written() -> list[Path]:
    """The `*.data` written for these tools (one rule each, see README.md)."""
    return sorted(HERE.glob("*.data"))


def inputs() -> list[Path]:
    """Every input: shared edge and generated files, ours, the generated power clusters."""
    return (shared.corpus_files() + hand_written()
            + sorted(GENERATED_DIR.glob("*.data")))


def record_path(data: Path) -> Path:
    """Where the recorded answers for `data` live (stems are unique across sources)."""
    return RECORDS_DIR / f"{data.stem}.json"


# -- the command matrix ------------------------------------------------------------

ROLLER_RUNS: list[tuple[str, tuple[str, ...]]] = [
    ("default", ()),
    ("moves-vv", ("--print-moves", "-v", "-v")),
    ("graph-vvv", ("-v", "-v", "-v", "--no-headers")),
    ("full-evacuation", ("--full-evacuation", "--print-moves")),
    ("offline-maintenance", ("--offline-maintenance", "--print-moves")),
    ("skip-non-redundant", ("--skip-non-redundant", "--print-moves")),
    ("ignore-non-redundant", ("--ignore-non-redundant", "--full-evacuation", "--print-moves")),
    ("one-step", ("--one-step-only", "--print-moves")),
    ("node-tags", ("--node-tags=rack:r1,power:a", "--full-evacuation", "--print-moves")),
]

SQUEEZE_RUNS: list[tuple[str, tuple[str, ...]]] = [
    ("cmds-vv", ("-C", "-v", "-v")),
    ("target-4", ("--target-resources=4", "-C")),
    ("minimal-6", ("--minimal-resources=6", "-C", "-v", "-v")),
    ("save", ("-S", "{tmp}/state", "-C{tmp}/cmds.sh", "--no-headers")),
]

#: Extra runs on hand-written inputs (file stem → [(id, tool, args)]).
EXTRA: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "roller-tags": [
        ("tags-two", "hroller", ("--node-tags=rack:a,rack:b", "--print-moves")),
        ("tags-one", "hroller", ("--node-tags=rack:c", "--print-moves")),
        ("tags-empty", "hroller", ("--node-tags=",)),
        ("tags-unknown", "hroller", ("--node-tags=nosuch",)),
        ("tags-evac", "hroller", ("--node-tags=rack:b,role:storage", "--full-evacuation",
                                  "--print-moves")),
        ("offline-node", "hroller", ("-O", "n3", "--print-moves")),
        ("offline-unknown", "hroller", ("-O", "nosuch", "-O", "n9")),
        ("save", "hroller", ("-S", "{tmp}/state", "-O", "n2")),
        ("group-name", "hroller", ("-G", "default", "-q")),
        ("group-unknown", "hroller", ("-G", "nosuch",)),
        ("positional", "hroller", ("extra",)),
        ("force", "hroller", ("-f", "--no-headers", "--one-step-only")),
        ("squeeze", "hsqueeze", ("-C", "-v", "-v")),
        ("squeeze-positional", "hsqueeze", ("extra",)),
        ("squeeze-bad-factor", "hsqueeze", ("--target-resources=lots",)),
    ],
    "roller-no-master": [("force", "hroller", ("-f", "--print-moves")),
                         ("force-quiet", "hroller", ("--force", "-q"))],
    "roller-two-masters": [("force", "hroller", ("-f",))],
    "roller-groups": [
        ("group-beta", "hroller", ("-G", "beta", "--print-moves")),
        ("group-uuid", "hroller", ("-G", "uuid-alpha", "--full-evacuation", "--print-moves")),
        ("group-evac-maint", "hroller", ("-G", "alpha", "--offline-maintenance",
                                         "--full-evacuation", "--print-moves", "-v", "-v")),
    ],
    "squeeze-offline": [("exec-without-luxi", "hsqueeze", ("-X",)),
                        ("target-20", "hsqueeze", ("--target-resources=20", "-C")),
                        ("minimal-40", "hsqueeze", ("--minimal-resources=40", "-C", "-v", "-v"))],
    "squeeze-online": [("exec-without-luxi", "hsqueeze", ("-X",)),
                       ("minimal-8", "hsqueeze", ("--minimal-resources=8", "-C", "-v", "-v")),
                       ("minimal-half", "hsqueeze", ("--minimal-resources=0.5", "-C"))],
    "squeeze-online-short": [("minimal-8", "hsqueeze", ("--minimal-resources=8", "-C", "-v",
                                                        "-v"))],
}


#: Shared inputs full of forthcoming instances: every balancing step scores all
#: their moves exactly, which makes hsqueeze's repeated rebalancing slow to test.
_SLOW_TO_SQUEEZE = ("gen-forth-", "gen-mixed-")


def _is_power_input(data: Path) -> bool:
    return data.stem.startswith(("squeeze-", "power-"))


def runs_for(data: Path) -> list[Run]:
    """The command matrix of one input."""
    info = shared.data_info(data)
    base = ("-t", "{data}")
    runs: list[Run] = []
    if _is_power_input(data):
        runs += [Run(f"hsqueeze-{rid}", "hsqueeze", base + args) for rid, args in SQUEEZE_RUNS]
        runs.append(Run("hroller", "hroller", base + ("--print-moves",)))
    else:
        runs += [Run(f"hroller-{rid}", "hroller", base + args) for rid, args in ROLLER_RUNS]
        if len(info.groups_with_nodes) > 1:
            runs.append(Run("hroller-group", "hroller",
                            base + ("-G", info.groups_with_nodes[-1], "--full-evacuation",
                                    "--print-moves")))
        if not data.stem.startswith(_SLOW_TO_SQUEEZE):
            runs.append(Run("hsqueeze", "hsqueeze", base + ("-C", "-v", "-v")))
    for rid, tool, args in EXTRA.get(data.stem, []):
        runs.append(Run(rid, tool, base + args))
    return runs


def files_written(args: tuple[str, ...]) -> tuple[str, ...]:
    """Files a run writes under {tmp}."""
    names: list[str] = []
    for a in args:
        if "{tmp}/state" in a:
            names += ["state.original", "state.squeezed"]
        if "{tmp}/cmds.sh" in a:
            names.append("cmds.sh")
    return tuple(names)


@dataclass
class Record:
    """The recorded answers of Ganeti's tools for one input."""

    source: str
    runs: list[dict] = field(default_factory=list)
    gen: dict | None = None

    def dump(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1, sort_keys=True) + "\n")

    @staticmethod
    def load(path: Path) -> Record:
        d = json.loads(path.read_text())
        return Record(d["source"], d["runs"], d.get("gen"))
