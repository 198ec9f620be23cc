"""gnt-filter: add, replace, delete, list, list-fields, info (Ganeti's job filter rules)."""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from shell.cli.context import Context
from shell.cli.format import table, to_json
from shell.cli.tree import (
    FIELD,
    FILE,
    FILTER,
    INFO_JSON,
    Arg,
    Command,
    Group,
    Option,
    UsageError,
    register,
)

_RATE_LIMIT = re.compile(r"^RATE_LIMIT\s+(\d+)")
FIELDS = {
    "uuid": ("UUID", "Filter ID"),
    "watermark": ("Watermark", "Highest job ID used at the time when the filter was added"),
    "priority": ("Priority", "Filter priority"),
    "predicates": ("Predicates", "List of filter predicates"),
    "action": ("Action", "Filter action"),
    "reason_trail": ("ReasonTrail", "Reason why this filter was added"),
}
DEFAULT_FIELDS = list(FIELDS)
RULE_KEYS = ("priority", "predicates", "action", "reason")


def parse_action(text: str) -> Any:
    """``RATE_LIMIT n`` becomes ``["RATE_LIMIT", n]``; other text is sent as it is."""
    match = _RATE_LIMIT.match(text)
    return ["RATE_LIMIT", int(match.group(1))] if match else text


def _rule_from_options(ctx: Context) -> dict[str, Any]:
    a = ctx.args
    if a.file:
        return _rule_from_document(a.file)
    try:
        predicates = json.loads(a.predicates) if a.predicates else []
    except ValueError as exc:
        raise UsageError(f"{ctx.program}: error: option --predicates: invalid JSON: {exc}") from None
    reason = [["gnt:user", a.reason, time.time_ns()]] if a.reason else []
    return {"priority": a.filter_priority, "predicates": predicates, "action": parse_action(a.action),
            "reason": reason}


def _rule_from_document(source: str) -> dict[str, Any]:
    """A whole rule as one JSON document (file or ``-`` for stdin): priority, predicates, action, reason."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text()
    except OSError as exc:
        raise UsageError(f"cannot read the rule from {source}: {exc.strerror}") from None
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"the rule in {source} is not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise UsageError(f"the rule in {source} must be a JSON object")
    unknown = sorted(set(doc) - set(RULE_KEYS) - {"uuid"})
    if unknown:
        raise UsageError(f"filter rule doesn't support the parameter '{unknown[0]}'")
    action = doc.get("action", "CONTINUE")
    return {
        "priority": doc.get("priority", 0),
        "predicates": doc.get("predicates", []),
        "action": parse_action(action) if isinstance(action, str) else action,
        "reason": doc.get("reason", []),
        "uuid": doc.get("uuid"),
    }


def add(ctx: Context) -> int:
    rule = _rule_from_options(ctx)
    uuid = ctx.client.replace_filter(rule.pop("uuid", None), **rule)
    ctx.print(uuid)
    return 0


def replace(ctx: Context) -> int:
    rule = _rule_from_options(ctx)
    rule.pop("uuid", None)
    ctx.print(ctx.client.replace_filter(ctx.args.uuid, **rule))
    return 0


def delete(ctx: Context) -> int:
    ctx.client.delete_filter(ctx.args.uuid)
    return 0


def _cell(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def list_filters(ctx: Context) -> int:
    a = ctx.args
    spec = a.fields
    names = DEFAULT_FIELDS + spec[1:].split(",") if spec and spec.startswith("+") else (
        spec.split(",") if spec else list(DEFAULT_FIELDS))
    rules = sorted(ctx.client.query_filters(a.uuids), key=lambda r: r["uuid"])
    if a.as_json:
        ctx.print(to_json([{n: r.get(n) for n in names} for r in rules]))
        return 0
    rows = [[_cell(r[n]) if n in FIELDS else "??" for n in names] for r in rules]
    headers = None if a.no_headers else [FIELDS[n][0] if n in FIELDS else n for n in names]
    for line in table(headers, rows, [False] * len(names), a.separator):
        ctx.print(line)
    unknown = [n for n in names if n not in FIELDS]
    if unknown:
        print(f"Warning: Queried for unknown fields {', '.join(unknown)}", file=ctx.err)
        return 14
    return 0


def list_fields(ctx: Context) -> int:
    names = ctx.args.names or sorted(FIELDS)
    rows = [[n, "Custom", *FIELDS[n]] if n in FIELDS else [n, "Unknown", n, "Unknown field"] for n in names]
    headers = None if ctx.args.no_headers else ["Name", "Type", "Title", "Description"]
    for line in table(headers, rows, [False] * 4, ctx.args.separator):
        ctx.print(line)
    return 14 if any(n not in FIELDS for n in names) else 0


def info(ctx: Context) -> int:
    rules = sorted(ctx.client.query_filters(ctx.args.uuids), key=lambda r: r["uuid"])
    if ctx.args.as_json:
        ctx.print(to_json(rules))
        return 0
    for rule in rules:
        ctx.print(f"UUID: {rule['uuid']}")
        ctx.print(f"  Watermark: {rule['watermark']}")
        ctx.print(f"  Priority: {rule['priority']}")
        ctx.print(f"  Predicates: {_cell(rule['predicates'])}")
        ctx.print(f"  Action: {_cell(rule['action'])}")
        ctx.print(f"  Reason trail: {_cell(rule['reason_trail'])}")
    return 0


def dry_run(ctx: Context) -> int:
    rule = _rule_from_options(ctx)
    matches, watermark = ctx.client.filter_dry_run(rule.pop("uuid", None) or ctx.args.uuid, **rule)
    if ctx.args.as_json:
        ctx.print(to_json({"watermark": watermark, "matches": matches}))
        return 0
    ctx.print(f"Watermark would be {watermark}; the rule matches {len(matches)} queued or running job(s)")
    rows = [[str(m["job_id"]), m["status"], ",".join(m["summary"]), m["effect"]] for m in matches]
    for line in table(["ID", "Status", "Summary", "Effect"], rows, [True, False, False, False]):
        ctx.print(line)
    return 0


RULE_OPTIONS = (
    Option(("--priority",), "rule priority, lower is consulted first (default 0)", dest="filter_priority",
           type=int, default=0, metavar="INT"),
    Option(("--predicates",), "JSON list of [kind, expression] predicates (default [])", metavar="JSON"),
    Option(("--action",), "ACCEPT, PAUSE, REJECT, CONTINUE or 'RATE_LIMIT n' (default CONTINUE)",
           default="CONTINUE", metavar="ACTION"),
    Option(("--file",), "read the whole rule as one JSON document from FILE ('-' for stdin)",
           metavar="FILE", complete=FILE),
)
_UUID = Arg("uuid", "rule uuid", complete=FILTER)
_LIST = (
    Option(("-o", "--output"), "fields ([+]FIELD,...)", dest="fields", metavar="FIELDS", complete=FIELD),
    Option(("--no-headers",), "omit the header row", action="store_true"),
    Option(("--separator",), "column separator", metavar="SEP"),
    Option(("-v", "--verbose"), "verbose output", action="count"),
    Option(("--json",), "print JSON for scripts", dest="as_json", action="store_true"),
)

register(Group("filter", "gnt-filter", "Job filter rules", (
    Command("add", "Add a job filter rule; prints its uuid", add, options=RULE_OPTIONS),
    Command("replace", "Replace a rule entirely (or create it with this uuid)", replace,
            options=RULE_OPTIONS, args=(_UUID,)),
    Command("delete", "Delete a rule", delete, args=(_UUID,)),
    Command("list", "List the rules, sorted by uuid", list_filters, options=_LIST,
            args=(Arg("uuids", "rule uuids (all when none)", nargs="*", complete=FILTER),)),
    Command("list-fields", "List the fields of filter list", list_fields,
            options=(Option(("--no-headers",), "omit the header row", action="store_true"),
                     Option(("--separator",), "column separator", metavar="SEP")),
            args=(Arg("names", "fields", nargs="*", complete=FIELD),)),
    Command("info", "Show rules", info, options=(INFO_JSON,),
            args=(Arg("uuids", "rule uuids (all when none)", nargs="*", complete=FILTER),)),
    Command("dry-run", "Show which queued and running jobs a rule would match, and what it would do",
            dry_run, options=(*RULE_OPTIONS, INFO_JSON, Option(("--uuid",), "as a replacement of this rule",
                                                                metavar="UUID", complete=FILTER)),),
)))
