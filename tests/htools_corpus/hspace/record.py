"""Record Ganeti's hspace answers for every run of `cases.RUNS` into `records.json`.

    .venv/bin/python -m tests.htools_corpus.hspace.record            # everything
    .venv/bin/python -m tests.htools_corpus.hspace.record --only sim-excl

Runs the real hspace from $HTOOLS_BIN (default /usr/bin); each record holds
the arguments, exit status, stdout and stderr (paths normalised).
"""

from __future__ import annotations

import argparse
import json
import sys

from tests.htools_corpus.hspace import cases
from tests.htools_corpus.record import run_real


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", default=[], help="run id (repeatable)")
    ap.add_argument("--timeout", type=float, default=300.0)
    ns = ap.parse_args(argv)
    records = cases.load_records()
    for run in cases.RUNS:
        if ns.only and run.id not in ns.only:
            continue
        code, out, err = run_real("hspace", cases.expand(run), timeout=ns.timeout)
        records[run.id] = {"args": list(run.args), "data": run.data, "exit": code,
                           "stdout": cases.normalise(out, run),
                           "stderr": cases.normalise(err, run)}
        print(f"{run.id}: exit {code}, {len(out.splitlines())} lines", flush=True)
    known = {r.id for r in cases.RUNS}
    records = {k: v for k, v in sorted(records.items()) if k in known}
    cases.RECORDS.write_text(json.dumps(records, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
