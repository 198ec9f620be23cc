"""The hail corpus: which requests exist, how each is run, where the records live.

Generated requests come from `build.py` with the parameters of
`generated_manifest()`; hand-written ones are `hand/*.json` (written by
`hand.py`). Every request is answered with and without capacity checks and
Ganeti's answers are stored next to it as `NAME.out.json`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.htools_corpus.gen import GenParams

HERE = Path(__file__).resolve().parent
GENERATED_DIR = HERE / "generated"
HAND_DIR = HERE / "hand"
RUN_ARGS: tuple[tuple[str, ...], ...] = ((), ("--no-capacity-checks",))
KINDS = ("allocate", "multi-allocate", "relocate", "node-evacuate", "change-group",
         "allocate-secondary")

_CLUSTERS: dict[str, GenParams] = {
    "small": GenParams(seed=11, nodes=6, inst_per_node=3.0, fill=0.35, tags=False),
    "tags": GenParams(seed=12, nodes=10, inst_per_node=3.0, fill=0.3),
    "two-groups": GenParams(seed=13, nodes=12, groups=2, inst_per_node=3.0, fill=0.3),
    "three-groups": GenParams(seed=14, nodes=15, groups=3, inst_per_node=4.0, fill=0.4,
                              policy=True),
    "full": GenParams(seed=15, nodes=10, inst_per_node=5.0, fill=0.7),
    "offline": GenParams(seed=16, nodes=12, inst_per_node=3.0, fill=0.3, offline_frac=0.2),
    "homog": GenParams(seed=17, nodes=16, inst_per_node=2.0, fill=0.25, homogeneous=True,
                       tags=False),
    "excl": GenParams(seed=18, nodes=12, groups=2, inst_per_node=3.0, fill=0.3,
                      exclusive_group=True),
    "forth": GenParams(seed=19, nodes=10, inst_per_node=3.0, fill=0.3, forthcoming_frac=0.15),
    "policy": GenParams(seed=20, nodes=14, groups=2, inst_per_node=3.0, fill=0.3, policy=True),
    "big": GenParams(seed=21, nodes=24, groups=2, inst_per_node=4.0, fill=0.35),
}
SEEDS = (1, 2)


def generated_manifest() -> dict[str, tuple[GenParams, str, int]]:
    """Request name -> (cluster parameters, request type, request seed)."""
    out = {}
    for cname, params in _CLUSTERS.items():
        for kind in KINDS:
            for seed in SEEDS:
                out[f"gen-{cname}-{kind}-{seed}"] = (params, kind, seed * 101 + len(out))
    return out


@dataclass
class Record:
    """Ganeti's answers to one request file."""

    source: str
    runs: list[dict[str, Any]] = field(default_factory=list)

    def dump(self, path: Path) -> None:
        path.write_text(json.dumps({"source": self.source, "runs": self.runs}, indent=1) + "\n")

    @classmethod
    def load(cls, path: Path) -> Record:
        raw = json.loads(path.read_text())
        return cls(raw["source"], raw["runs"])


def request_files() -> list[Path]:
    """Every request of the corpus (hand-written first)."""
    return sorted(HAND_DIR.glob("*.json")) + sorted(GENERATED_DIR.glob("*.json"))


def record_path(request: Path) -> Path:
    """Where Ganeti's answers to `request` are stored."""
    return request.parent.parent / "recorded" / (request.stem + ".out.json")


def normalise(text: str, request: Path) -> str:
    """Make recorded text independent of where the request file was."""
    return text.replace(str(request), "{request}")
