"""Hand-written clusters shared by the htools unit tests."""

from __future__ import annotations

import random

import pytest

TINY = """grp|uuid-a|preferred||

n1|8192|512|7168|102400|92160|8|M|uuid-a|1|rack:r1
n2|8192|512|7680|102400|92160|8|N|uuid-a|1|rack:r2

web1|512|10240|1|running|Y|n1|n2|drbd|svc:web|1
db1|1024|0|2|ADMIN_down|Y|n1||ext||1

htools:nlocation:rack
htools:iextags:svc
"""


def random_cluster(seed: int, nodes: int = 6, instances: int = 20, offline: int = 0) -> str:
    """A small random cluster in the text format (mixed templates, tags)."""
    rnd = random.Random(seed)
    rows = []
    for i in range(nodes):
        tmem = rnd.choice([16384, 32768])
        flag = "Y" if i < offline else "N"
        tags = [f"rack:r{rnd.randint(0, 2)}"]
        rows.append([f"node{i}", tmem, 1024, tmem - 1024, 512000, 512000, 16, flag, "u1", 1,
                     ",".join(tags), "N", 0, 1, "1.0"])
    insts = []
    for k in range(instances):
        tmpl = rnd.choice(["drbd", "drbd", "drbd", "plain", "ext"])
        p = rnd.randrange(nodes)
        s = rnd.choice([j for j in range(nodes) if j != p]) if tmpl == "drbd" else None
        mem = rnd.choice([512, 1024, 2048])
        dsk = rnd.choice([10240, 20480])
        status = rnd.choice(["running", "running", "ADMIN_down"])
        if status == "running":
            rows[p][3] -= mem
        if tmpl in ("drbd", "plain"):
            rows[p][5] -= dsk
            if s is not None:
                rows[s][5] -= dsk
        tag = f"svc:{rnd.choice('ab')}" if rnd.random() < 0.3 else ""
        sec = f"node{s}" if s is not None else ""
        insts.append(f"inst{k}|{mem}|{dsk}|{rnd.choice([1, 2])}|{status}|Y|node{p}|{sec}|"
                     f"{tmpl}|{tag}|1|-|N")
    text = "g1|u1|preferred||\n\n"
    text += "\n".join("|".join(map(str, r)) for r in rows) + "\n\n"
    text += "\n".join(insts) + "\n\n"
    text += "htools:iextags:svc\nhtools:nlocation:rack\n"
    return text


@pytest.fixture
def tiny_text() -> str:
    return TINY
