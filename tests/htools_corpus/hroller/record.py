"""Regenerate the hroller/hsqueeze corpus and record Ganeti's answers.

    .venv/bin/python -m tests.htools_corpus.hroller.record             # everything
    .venv/bin/python -m tests.htools_corpus.hroller.record --only roller-tags

Writes `generated/*.data` from `cases.power_manifest()`, then runs the real
`hroller` and `hsqueeze` (from $HTOOLS_BIN, default /usr/bin) with the
command matrix of `cases.py` on every input and stores stdout, stderr, exit
status and written files as `records/NAME.json`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from tests.htools_corpus import cases as shared
from tests.htools_corpus.hroller import cases
from tests.htools_corpus.record import HTOOLS_BIN, run_real


def record_input(data: Path) -> cases.Record:
    """Run every matrix entry of `data` with Ganeti's tools."""
    info = shared.data_info(data)
    util = shared.util_path(data)
    manifest = cases.power_manifest()
    gen = manifest.get(data.stem)
    source = ("generated" if gen else "hand-written" if data.parent == cases.HERE
              else f"shared:{data.parent.name}")
    rec = cases.Record(source=source, gen=asdict(gen) if gen else None)
    for run in cases.runs_for(data):
        with tempfile.TemporaryDirectory(prefix="hrc-") as td:
            tmp = Path(td)
            argv = shared.expand(run.args, shared.substitutions(info, data, util, tmp))
            code, out, err = run_real(run.tool, argv)
            files = {}
            for f in cases.files_written(run.args):
                fp = tmp / f
                if fp.exists():
                    files[f] = shared.normalise(fp.read_text(), data, util, tmp)
            rec.runs.append({
                "id": run.id, "tool": run.tool, "args": list(run.args), "exit": code,
                "stdout": shared.normalise(out, data, util, tmp),
                "stderr": shared.normalise(err, data, util, tmp), "files": files,
            })
    return rec


def regenerate(only: set[str] | None, jobs: int) -> None:
    cases.GENERATED_DIR.mkdir(exist_ok=True)
    cases.RECORDS_DIR.mkdir(exist_ok=True)
    for name, params in cases.power_manifest().items():
        if not only or name in only:
            (cases.GENERATED_DIR / f"{name}.data").write_text(cases.power_text(params))

    def one(data: Path) -> str:
        rec = record_input(data)
        rec.dump(cases.record_path(data))
        bad = sum(1 for r in rec.runs if r["exit"] != 0)
        return f"{data.name}: {len(rec.runs)} runs, {bad} non-zero exits"

    files = [d for d in cases.inputs() if not only or d.stem in only]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for line in pool.map(one, files):
            print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--only", action="append", help="input file stem (repeatable)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="inputs recorded in parallel")
    a = ap.parse_args(argv)
    for tool in ("hroller", "hsqueeze"):
        if not (HTOOLS_BIN / tool).exists():
            print(f"error: {HTOOLS_BIN}/{tool} not found (apt-get install ganeti-htools)",
                  file=sys.stderr)
            return 1
    regenerate(set(a.only) if a.only else None, a.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
