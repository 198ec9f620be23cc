"""Job filter rules: validation, storage form, evaluation order and the applying rule.

A rule holds predicates (``jobid``, ``opcode``, ``reason``; all must match)
and an action. Rules are consulted in ``(priority, watermark, uuid)`` order;
the first matching rule whose action is not CONTINUE applies to a job.
"""

from __future__ import annotations

import json
import re
import uuid as uuidlib
from dataclasses import dataclass, field
from typing import Any

from agent import qlang
from agent.errors import GanetiError, OpCodeError
from agent.master.jobs import Job

ACTIONS = ("ACCEPT", "PAUSE", "REJECT", "CONTINUE")
_UUID = re.compile(r"^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$")


def _parse_error(message: str) -> OpCodeError:
    return OpCodeError(f"Failed to parse request: {message}")


def parse_action(value: Any) -> str | list[Any]:
    """``"ACCEPT"``, ``"PAUSE"``, ``"REJECT"``, ``"CONTINUE"`` or ``["RATE_LIMIT", n]``."""
    if isinstance(value, str) and value in ACTIONS:
        return value
    if isinstance(value, list) and len(value) == 2 and value[0] == "RATE_LIMIT":
        n = value[1]
        if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
            raise _parse_error("RATE_LIMIT argument must be a positive integer")
        return ["RATE_LIMIT", n]
    raise _parse_error(f"malformed FilterAction JSON: {json.dumps(value)}")


def check_uuid(value: str) -> str:
    if not _UUID.match(value):
        raise GanetiError("Unable to parse UUID")
    return value


def check_priority(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _parse_error(f"Invalid value for non-negative type '{value}'")
    if value < 0:
        raise _parse_error(f"Invalid value for non-negative type '{value}'")
    return value


def check_predicates(value: Any) -> list[Any]:
    try:
        return list(qlang.validate_predicates(value))
    except GanetiError as exc:
        raise _parse_error(exc.message) from None


def check_reason(value: Any) -> list[list[Any]]:
    if not isinstance(value, list) or not all(
        isinstance(e, list) and len(e) == 3 and isinstance(e[0], str) and isinstance(e[1], str)
        and isinstance(e[2], int) and not isinstance(e[2], bool)
        for e in value
    ):
        raise _parse_error(f"invalid reason trail: {json.dumps(value)}")
    return [list(e) for e in value]


@dataclass(frozen=True)
class FilterRule:
    uuid: str
    priority: int
    predicates: list[Any]
    action: str | list[Any]
    reason_trail: list[list[Any]]
    watermark: int
    # The predicates decoded once: the scheduler evaluates them for every queued job.
    decoded: list[Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "decoded", qlang.decode_predicates(self.predicates))

    @property
    def kind(self) -> str:
        return self.action if isinstance(self.action, str) else str(self.action[0])

    @property
    def limit(self) -> int:
        return int(self.action[1]) if isinstance(self.action, list) else 0

    @property
    def order(self) -> tuple[int, int, bytes]:
        return (self.priority, self.watermark, self.uuid.encode())

    def to_dict(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid, "priority": self.priority, "predicates": self.predicates,
            "action": self.action, "reason_trail": self.reason_trail, "watermark": self.watermark,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FilterRule:
        return cls(
            data["uuid"], data["priority"], data["predicates"], data["action"],
            data["reason_trail"], data["watermark"],
        )

    def matches(self, job: Job) -> bool:
        ops = [op.input for op in job.ops]
        return all(p.matches(ops, job.id, self.watermark) for p in self.decoded)


def new_rule(
    uuid: str | None, priority: Any, predicates: Any, action: Any, reason: Any,
    watermark: int, now_ns: int,
) -> FilterRule:
    """A validated rule as the server stores it (the caller's trail plus luxid's entry)."""
    rule_uuid = check_uuid(uuid) if uuid else str(uuidlib.uuid4())
    return FilterRule(
        rule_uuid,
        check_priority(priority),
        check_predicates(predicates),
        parse_action(action),
        [*check_reason(reason), ["luxid", "", now_ns]],
        watermark,
    )


class FilterSet:
    """The rules in evaluation order, with each job's applying rule cached until they change."""

    def __init__(self, rules: list[FilterRule] | None = None) -> None:
        self.rules: list[FilterRule] = []
        self._cache: dict[int, FilterRule | None] = {}
        self.replace_all(rules or [])

    def replace_all(self, rules: list[FilterRule]) -> None:
        self.rules = sorted(rules, key=lambda r: r.order)
        self._cache.clear()

    def applying(self, job: Job) -> FilterRule | None:
        if not self.rules:
            return None
        if job.id in self._cache:
            return self._cache[job.id]
        found = applying_rule(self.rules, job)
        self._cache[job.id] = found
        return found

    def forget(self, job_id: int) -> None:
        self._cache.pop(job_id, None)


def applying_rule(rules: list[FilterRule], job: Job) -> FilterRule | None:
    for rule in rules:
        if rule.kind != "CONTINUE" and rule.matches(job):
            return rule
    return None


_EFFECT = {"ACCEPT": "accept", "PAUSE": "pause", "REJECT": "reject", "RATE_LIMIT": "rate-limit"}


def dry_run(rules: list[FilterRule], candidate: FilterRule, queued: list[Job], running: list[Job]) -> list[dict[str, Any]]:
    """What ``candidate`` would do to each queued and running job if it were added now.

    Only jobs it matches are listed. Its effect is its action when it would be the
    job's applying rule, ``none`` when an earlier rule applies; running jobs are
    never stopped, they only count towards a rate limit.
    """
    trial = sorted([r for r in rules if r.uuid != candidate.uuid] + [candidate], key=lambda r: r.order)
    out = []
    for job, is_running in [(j, False) for j in queued] + [(j, True) for j in running]:
        if not candidate.matches(job):
            continue
        applying = applying_rule(trial, job)
        if applying is None or applying.uuid != candidate.uuid:
            effect = "none"
        elif is_running:
            effect = "counts towards the rate limit" if candidate.kind == "RATE_LIMIT" else "none (already running)"
        else:
            effect = _EFFECT.get(candidate.kind, "none")
        out.append({
            "job_id": job.id, "status": str(job.status), "summary": job.query()["summary"],
            "effect": effect, "applying_rule": applying.uuid if applying else None,
        })
    return sorted(out, key=lambda m: m["job_id"])
