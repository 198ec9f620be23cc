"""Regenerate the hail corpus and record Ganeti's answers (`recorded/NAME.out.json`).

    .venv/bin/python -m tests.htools_corpus.iallocator.record            # everything
    .venv/bin/python -m tests.htools_corpus.iallocator.record --only hand-alloc-drbd

Writes `hand/*.json` and `generated/*.json`, then runs the real hail
($HAIL, default /usr/lib/ganeti/iallocators/hail) on every request with each
argument set of `cases.RUN_ARGS`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.htools_corpus.iallocator import cases, hand
from tests.htools_corpus.iallocator.build import build_request

HAIL = Path(os.environ.get("HAIL", "/usr/lib/ganeti/iallocators/hail"))


def run_hail(argv: list[str], timeout: float = 300) -> tuple[int, str, str]:
    """Run Ganeti's hail; return (exit status, stdout, stderr)."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp"}
    p = subprocess.run([str(HAIL), *argv], capture_output=True, text=True, timeout=timeout,
                       env=env)
    return p.returncode, p.stdout, p.stderr


def record(request: Path) -> cases.Record:
    rec = cases.Record(source="hand" if request.parent == cases.HAND_DIR else "generated")
    for args in cases.RUN_ARGS:
        code, out, err = run_hail([*args, str(request)])
        rec.runs.append({"args": list(args), "exit": code,
                         "stdout": cases.normalise(out, request),
                         "stderr": cases.normalise(err, request)})
    return rec


def regenerate(only: set[str] | None, jobs: int) -> None:
    hand.main()
    cases.GENERATED_DIR.mkdir(exist_ok=True)
    for name, (params, kind, seed) in cases.generated_manifest().items():
        if only and name not in only:
            continue
        doc = build_request(params, kind, seed)
        (cases.GENERATED_DIR / f"{name}.json").write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    files = [f for f in cases.request_files() if not only or f.stem in only]
    cases.record_path(files[0]).parent.mkdir(exist_ok=True)

    def one(path: Path) -> str:
        rec = record(path)
        rec.dump(cases.record_path(path))
        return f"{path.name}: " + ", ".join(str(r["exit"]) for r in rec.runs)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for line in pool.map(one, files):
            print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--only", action="append", help="request file stem (repeatable)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="requests recorded in parallel")
    a = ap.parse_args(argv)
    if not HAIL.exists():
        print(f"error: {HAIL} not found (apt-get install ganeti-htools)", file=sys.stderr)
        return 1
    regenerate(set(a.only) if a.only else None, a.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
