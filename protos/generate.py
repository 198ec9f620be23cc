"""Regenerate the committed gRPC code from protos/*.proto, or check it is current.

Run from anywhere: ``python -m protos.generate [--check]``.
"""

from __future__ import annotations

import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_DIR = ROOT / "protos"
SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")


def _generate(out_dir: Path) -> None:
    from grpc_tools import protoc

    protos = sorted(str(p.relative_to(ROOT)) for p in PROTO_DIR.glob("*.proto"))
    include = str(Path(protoc.__file__).parent / "_proto")
    args = [
        "protoc",
        f"-I{ROOT}",
        f"-I{include}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *protos,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")


def _generated_names(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir() if p.name.endswith(SUFFIXES)}


def main(argv: list[str]) -> int:
    check = "--check" in argv
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        _generate(out)
        fresh = out / "protos"
        names = _generated_names(fresh)
        if check:
            stale = sorted(
                n
                for n in names | _generated_names(PROTO_DIR)
                if not (PROTO_DIR / n).exists()
                or not (fresh / n).exists()
                or not filecmp.cmp(PROTO_DIR / n, fresh / n, shallow=False)
            )
            if stale:
                print("stale generated code: " + ", ".join(stale) + " (run make protos)")
                return 1
            return 0
        for name in names:
            shutil.copyfile(fresh / name, PROTO_DIR / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
