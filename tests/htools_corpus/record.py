"""Regenerate the htools corpus and record Ganeti's answers next to each file.

    .venv/bin/python -m tests.htools_corpus.record            # everything
    .venv/bin/python -m tests.htools_corpus.record --only edge-tiny

Writes `generated/*.data` (+ `.util`) from the manifest in `cases.py`, then
runs the real `hinfo`, `hcheck` and `hbal` (from $HTOOLS_BIN, default
/usr/bin) with the command matrix of `cases.py` on every corpus file and
stores stdout, stderr, exit status and written files as `NAME.json`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from tests.htools_corpus import cases
from tests.htools_corpus.gen import write

HTOOLS_BIN = Path(os.environ.get("HTOOLS_BIN", "/usr/bin"))


def run_real(tool: str, argv: list[str], timeout: float = 600) -> tuple[int, str, str]:
    """Run one of Ganeti's tools; return (exit status, stdout, stderr)."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp"}
    p = subprocess.run([str(HTOOLS_BIN / tool), *argv], capture_output=True, text=True,
                       timeout=timeout, env=env)
    return p.returncode, p.stdout, p.stderr


def record_file(data: Path, source: str, gen: dict | None) -> cases.Record:
    info = cases.data_info(data)
    util = cases.util_path(data)
    rec = cases.Record(source=source, gen=gen)
    for run in cases.runs_for(data.stem, info, util is not None):
        with tempfile.TemporaryDirectory(prefix="htc-") as td:
            tmp = Path(td)
            subs = cases.substitutions(info, data, util, tmp)
            argv = cases.expand(run.args, subs)
            code, out, err = run_real(run.tool, argv)
            files = {}
            for f in run.files:
                fp = tmp / f
                if fp.exists():
                    files[f] = cases.normalise(fp.read_text(), data, util, tmp)
            rec.runs.append({
                "id": run.id, "tool": run.tool, "args": list(run.args), "exit": code,
                "stdout": cases.normalise(out, data, util, tmp),
                "stderr": cases.normalise(err, data, util, tmp), "files": files,
            })
    return rec


def regenerate(only: set[str] | None, jobs: int) -> None:
    cases.GENERATED_DIR.mkdir(exist_ok=True)
    manifest = cases.generated_manifest()
    for name, params in manifest.items():
        if only and name not in only:
            continue
        for stale in cases.GENERATED_DIR.glob(name + ".*"):
            stale.unlink()
        write(params, cases.GENERATED_DIR / f"{name}.data")

    def one(data: Path) -> str:
        gen = manifest.get(data.stem)
        source = "generated" if gen else "edge"
        rec = record_file(data, source, asdict(gen) if gen else None)
        rec.dump(cases.record_path(data))
        bad = sum(1 for r in rec.runs if r["exit"] != 0)
        return f"{data.name}: {len(rec.runs)} runs, {bad} non-zero exits"

    files = [d for d in cases.corpus_files() if not only or d.stem in only]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for line in pool.map(one, files):
            print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", help="corpus file stem (repeatable)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="files recorded in parallel")
    a = ap.parse_args(argv)
    if not (HTOOLS_BIN / "hbal").exists():
        print(f"error: {HTOOLS_BIN}/hbal not found (apt-get install ganeti-htools)", file=sys.stderr)
        return 1
    regenerate(set(a.only) if a.only else None, a.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
