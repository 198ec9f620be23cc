"""The hspace runs of the differential corpus: arguments and where their records live.

Each run is an hspace command line with an optional `{data}` placeholder for
a text-backend file of `tests/htools_corpus`; `record.py` stores Ganeti's
answers as `records.json` here and `tests/differential/test_hspace_corpus.py`
compares ours with them. The specs are chosen so that both tools finish in
seconds (small tiered specs, `-l` limits).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent
RECORDS = HERE / "records.json"


@dataclass(frozen=True)
class HspaceRun:
    """One hspace invocation."""

    id: str
    args: tuple[str, ...]
    data: str | None = None   # corpus file (relative to tests/htools_corpus) for `{data}`


def _sim(rid: str, *args: str) -> HspaceRun:
    return HspaceRun(rid, tuple(args))


def _file(rid: str, data: str, *args: str) -> HspaceRun:
    return HspaceRun(rid, ("-t", "{data}", *args), data)


MR = "--machine-readable"
SMALL = ("--tiered-alloc", "20g,3g,2", "--standard-alloc", "10g,2g,1")

RUNS: tuple[HspaceRun, ...] = (
    _sim("sim-drbd-l5", "--simulate", "p,4,100g,16g,8", "--disk-template", "drbd", MR, "-l", "5"),
    _sim("sim-drbd-human", "--simulate", "p,4,100g,16g,8", "--disk-template", "drbd",
         "--tiered-alloc", "20g,6g,4", "-l", "8"),
    _sim("sim-plain-2groups", "--simulate", "p,3,100g,16g,8", "--simulate", "a,2,50g,8g,4", MR,
         "--disk-template", "plain", "--tiered-alloc", "40g,6g,4", "-l", "20"),
    _sim("sim-drbd-small", "--simulate", "p,6,20g,4g,4", MR, "--disk-template", "drbd",
         "--tiered-alloc", "4g,2g,2", "--standard-alloc", "2g,1g,1"),
    _sim("sim-excl", "--simulate", "p,4,100g,16g,8,4,True", "--disk-template", "plain",
         "--tiered-alloc", "10g,4g,2,3", MR, "-l", "10"),
    _sim("sim-excl-human", "--simulate", "p,3,100g,16g,8,6,True", "--disk-template", "plain",
         "--tiered-alloc", "10g,4g,2,3", "-l", "6"),
    _sim("sim-diskless-l10", "--simulate", "p,4,100g,16g,8", MR, "-l", "10"),
    _sim("sim-diskless-nocap", "--simulate", "p,4,100g,16g,8", MR, "-l", "12",
         "--no-capacity-checks", "--tiered-alloc", "1g,5g,3"),
    _sim("sim-unalloc-group", "--simulate", "u,2,100g,16g,8", "--simulate", "p,3,80g,8g,4", MR,
         "--disk-template", "drbd", "--tiered-alloc", "10g,3g,2", "-l", "12"),
    _sim("sim-units", "--simulate", "preferred,3,200GB,16 GiB,8", MR, "--disk-template", "plain",
         "--tiered-alloc", "30G,4000M,2", "-l", "9"),
    _file("basic-drbd", "generated/gen-basic-008.data", MR, "--disk-template", "drbd", *SMALL,
          "-l", "6"),
    _file("basic-plain", "generated/gen-basic-010.data", MR, "--disk-template", "plain", *SMALL,
          "-l", "6"),
    _file("groups-drbd", "generated/gen-groups-014.data", MR, "--disk-template", "drbd", *SMALL,
          "-l", "6"),
    _file("groups-accept", "generated/gen-groups-008.data", MR, "--disk-template", "drbd",
          *SMALL, "-l", "6", "--accept-existing-errors"),
    _file("groups-indep", "generated/gen-groups-020.data", MR, "--disk-template", "plain",
          *SMALL, "-l", "6", "--independent-groups"),
    _file("offline-drbd", "generated/gen-offline-010.data", MR, "--disk-template", "drbd",
          *SMALL, "-l", "6"),
    _file("offline-opt", "generated/gen-basic-006.data", MR, "--disk-template", "drbd", *SMALL,
          "-l", "6", "-O", "node-01-002"),
    _file("excl-plain", "generated/gen-excl-012.data", MR, "--disk-template", "plain",
          "--tiered-alloc", "20g,3g,2,2", "-l", "6"),
    _file("forth-drbd", "generated/gen-forth-010.data", MR, "--disk-template", "drbd", *SMALL,
          "-l", "6"),
    _file("full-drbd", "generated/gen-full-008.data", MR, "--disk-template", "drbd", *SMALL,
          "-l", "6"),
    _file("homog-human", "generated/gen-homog-008.data", "--disk-template", "drbd", *SMALL,
          "-l", "5"),
    _file("empty-cluster", "edge/edge-empty-cluster.data", MR),
    _file("all-offline", "edge/edge-all-offline.data", MR, "--disk-template", "drbd"),
)


def expand(run: HspaceRun) -> list[str]:
    """The run's arguments with `{data}` replaced by the corpus file's path."""
    path = str(CORPUS / run.data) if run.data else ""
    return [a.replace("{data}", path) for a in run.args]


def normalise(text: str, run: HspaceRun) -> str:
    """Output with the corpus file's path replaced by `{data}`."""
    return text.replace(str(CORPUS / run.data), "{data}") if run.data else text


def load_records() -> dict[str, dict]:
    """Recorded answers by run id ({} when nothing was recorded yet)."""
    if not RECORDS.exists():
        return {}
    return json.loads(RECORDS.read_text())
