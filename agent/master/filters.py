"""Job filter rules: validation, storage form, evaluation order and the applying rule.

A rule holds predicates (``jobid``, ``opcode``, ``reason``; all must match)
and an action. Rules are consulted in ``(priority, watermark, uuid)`` order;
the first matching rule whose action is not CONTINUE applies to a job. The
scheduler asks for every job that enters the queue, so the rules are indexed
(``RuleIndex``) and each predicate has a cheap pre-test: a job is evaluated in
full only against the rules that could match it.
"""

from __future__ import annotations

import json
import re
import uuid as uuidlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from agent import qlang
from agent.errors import GanetiError, OpCodeError
from agent.master.jobs import Job
from agent.qlang.expr import And, Compare, Expr, Regex

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
    # Each predicate with a cheap test it needs to pass first, ``jobid`` ones first
    # (the predicates are and-ed and side-effect free, so their order is free).
    checks: list[tuple[Any, _Need | None]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        decoded = qlang.decode_predicates(self.predicates)
        object.__setattr__(self, "decoded", decoded)
        ordered = sorted(decoded, key=lambda p: p.kind != "jobid")
        object.__setattr__(self, "checks", [(p, _need(p.kind, p.expr)) for p in ordered])

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

    def matches(self, job: Job, facts: JobFacts | None = None) -> bool:
        facts = facts or JobFacts.of(job)
        for predicate, need in self.checks:
            if need is not None and not need(facts):
                return False
            if not predicate.matches(facts.ops, job.id, self.watermark):
                return False
        return True


@dataclass(frozen=True)
class JobFacts:
    """What predicates read from a job, gathered once for all the rules."""

    ops: list[dict[str, Any]]
    reasons: list[Sequence[Any]]  # every well-formed reason entry of every opcode
    # Their string sources and string reasons (entry index 0 and 1).
    reason_texts: tuple[list[str], list[str]]

    @classmethod
    def of(cls, job: Job) -> JobFacts:
        ops = [op.input for op in job.ops]
        reasons: list[Sequence[Any]] = [
            entry for op in ops for entry in op.get("reason") or ()
            if isinstance(entry, (list, tuple)) and len(entry) == 3
        ]
        texts = ([e[0] for e in reasons if isinstance(e[0], str)],
                 [e[1] for e in reasons if isinstance(e[1], str)])
        return cls(ops, reasons, texts)


_Need = Callable[[JobFacts], bool]
_Test = Callable[[Any], bool]
_REASON_INDEX = {"source": 0, "reason": 1}


def _conjuncts(expr: Expr) -> tuple[Expr, ...]:
    return expr.operands if isinstance(expr, And) else (expr,)


def _string_test(leaf: Expr) -> tuple[str, _Test] | None:
    """A test a value must pass for the leaf to hold: equal to a string, or a string the regex finds."""
    if isinstance(leaf, Compare) and leaf.op == "==" and isinstance(leaf.value, str):
        wanted = leaf.value
        return leaf.field, lambda value: value == wanted
    if isinstance(leaf, Regex):
        search = leaf.compiled.search
        return leaf.field, lambda value: isinstance(value, str) and search(value) is not None
    return None


def _need(kind: str, expr: Expr) -> _Need | None:
    """A cheap necessary condition of an ``opcode`` or ``reason`` predicate, or None.

    Built from the expression's top-level conjuncts that compare a plain field to a
    string or search it with a regex: every one of them must hold for the same opcode
    (or reason entry), whatever Ganeti's quirks make of the rest, so a job no opcode
    (entry) passes them cannot match; the predicate itself decides the others.
    """
    tests = [t for t in map(_string_test, _conjuncts(expr)) if t is not None]
    if kind == "opcode":
        by_field = [(name, test) for name, test in tests if "." not in name]
        if not by_field:
            return None
        return lambda facts: any(
            all(test(op.get(name)) for name, test in by_field)
            for op in facts.ops if isinstance(op, Mapping)
        )
    if kind == "reason":
        leaves = [leaf for leaf in _conjuncts(expr) if _string_test(leaf) is not None
                  and getattr(leaf, "field", None) in _REASON_INDEX]
        if len(leaves) == 1:  # the usual case, tested without a Python call per entry
            leaf, position = leaves[0], _REASON_INDEX[leaves[0].field]  # type: ignore[union-attr]
            if isinstance(leaf, Regex):
                search = leaf.compiled.search
                return lambda facts: any(map(search, facts.reason_texts[position]))
            wanted = leaf.value  # type: ignore[union-attr]
            return lambda facts: wanted in facts.reason_texts[position]
        by_entry = [(_REASON_INDEX[name], test) for name, test in tests if name in _REASON_INDEX]
        if not by_entry:
            return None
        return lambda facts: any(all(t(e[i]) for i, t in by_entry) for e in facts.reasons)
    return None


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


Key = tuple[str, Any, str]  # ("op", field, value) or ("reason", entry index, value)


def _equalities(rule: FilterRule) -> list[Key]:
    """The string equalities every job the rule matches has (one of its opcodes or reason entries)."""
    keys: list[Key] = []
    for predicate in rule.decoded:
        for leaf in _conjuncts(predicate.expr):
            if not (isinstance(leaf, Compare) and leaf.op == "==" and isinstance(leaf.value, str)):
                continue
            if predicate.kind == "opcode" and "." not in leaf.field:
                keys.append(("op", leaf.field, leaf.value))
            elif predicate.kind == "reason" and leaf.field in _REASON_INDEX:
                keys.append(("reason", _REASON_INDEX[leaf.field], leaf.value))
    # OP_ID equalities are the least selective: any other field is a better key.
    return sorted(keys, key=lambda k: k[1] == "OP_ID")


def _id_range(rule: FilterRule) -> tuple[float, float]:
    """The job ids the rule's ``jobid`` predicates allow at most (their top-level bounds)."""
    low, high = float("-inf"), float("inf")
    for predicate in rule.decoded:
        if predicate.kind != "jobid":
            continue
        for leaf in _conjuncts(predicate.expr):
            if not isinstance(leaf, Compare) or leaf.field != "id":
                continue
            value = rule.watermark if leaf.value == "watermark" else leaf.value
            if not isinstance(value, int):
                continue
            if leaf.op in (">", ">="):
                low = max(low, value + (leaf.op == ">"))
            elif leaf.op in ("<", "<="):
                high = min(high, value - (leaf.op == "<"))
            else:
                low, high = max(low, value), min(high, value)
    return low, high


class RuleIndex:
    """Which rules could match a job, found without evaluating the others.

    Each rule is filed under one string equality its matches must have (e.g.
    ``OP_ID == OP_NODE_REMOVE`` or ``source == gnt:client:hbal``), else under the
    id range its ``jobid`` predicates allow; a job is checked against the rules
    filed under its own opcode fields and reason entries, those whose range holds
    its id, and the rules that have neither, in evaluation order.
    """

    def __init__(self, rules: list[FilterRule]) -> None:
        self.rules = rules
        self._by_key: dict[Key, list[int]] = {}
        self._ranges: list[tuple[float, float, int]] = []
        self._always: list[int] = []
        self._fields: set[str] = set()
        for index, rule in enumerate(rules):
            if rule.kind == "CONTINUE":
                continue  # never applies
            keys = _equalities(rule)
            if keys:
                self._by_key.setdefault(keys[0], []).append(index)
                if keys[0][0] == "op":
                    self._fields.add(str(keys[0][1]))
                continue
            low, high = _id_range(rule)
            if low > float("-inf") or high < float("inf"):
                self._ranges.append((low, high, index))
            else:
                self._always.append(index)

    def candidates(self, job: Job, facts: JobFacts) -> list[int]:
        found = list(self._always)
        job_id = job.id
        found += [index for low, high, index in self._ranges if low <= job_id <= high]
        if self._by_key:
            by_key = self._by_key
            for op in facts.ops:
                for name in self._fields:
                    value = op.get(name)
                    if isinstance(value, str):
                        found += by_key.get(("op", name, value), ())
            for entry in facts.reasons:
                for position in (0, 1):
                    if isinstance(entry[position], str):
                        found += by_key.get(("reason", position, entry[position]), ())
        found = sorted(set(found))
        return found

    def applying(self, job: Job) -> FilterRule | None:
        facts = JobFacts.of(job)
        for index in self.candidates(job, facts):
            rule = self.rules[index]
            if rule.matches(job, facts):
                return rule
        return None


class FilterSet:
    """The rules in evaluation order, with each job's applying rule cached until they change."""

    def __init__(self, rules: list[FilterRule] | None = None) -> None:
        self.rules: list[FilterRule] = []
        self._index = RuleIndex([])
        self._cache: dict[int, FilterRule | None] = {}
        self.replace_all(rules or [])

    def replace_all(self, rules: list[FilterRule]) -> None:
        self.rules = sorted(rules, key=lambda r: r.order)
        self._index = RuleIndex(self.rules)
        self._cache.clear()

    def applying(self, job: Job) -> FilterRule | None:
        if not self.rules:
            return None
        if job.id in self._cache:
            return self._cache[job.id]
        found = self._index.applying(job)
        self._cache[job.id] = found
        return found

    def forget(self, job_id: int) -> None:
        self._cache.pop(job_id, None)


def applying_rule(rules: list[FilterRule], job: Job) -> FilterRule | None:
    facts = JobFacts.of(job)
    for rule in rules:
        if rule.kind != "CONTINUE" and rule.matches(job, facts):
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
