"""Our one-line rendering of an instance policy (`Loaded cluster ipolicy: ...`).

Ganeti prints a Haskell record dump here; spec §19.2 lets us print our own.
"""

from __future__ import annotations

from agent.htools import IPolicy, ISpec


def _ispec(s: ISpec) -> str:
    return (f"mem={s.memory_size} cpu={s.cpu_count} disk={s.disk_size} "
            f"disks={s.disk_count} nics={s.nic_count} spindles={s.spindle_use}")


def ipolicy_text(pol: IPolicy) -> str:
    """`std=(...) minmax=[(min..max), ...] templates=a,b vcpu-ratio=4.0 spindle-ratio=32.0`."""
    ranges = ", ".join(f"({_ispec(m.min)} .. {_ispec(m.max)})" for m in pol.minmax)
    templates = ",".join(t.value for t in pol.disk_templates)
    return (f"std=({_ispec(pol.std)}) minmax=[{ranges}] templates={templates} "
            f"vcpu-ratio={pol.vcpu_ratio} spindle-ratio={pol.spindle_ratio}")
