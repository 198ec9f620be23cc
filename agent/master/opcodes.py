"""The opcode registry: every opcode's OP_ID, fields, defaults and summary, in one place.

Opcodes are JSON objects with Ganeti's names. ``validate`` turns a submitted
object into its normalised stored form (defaults filled in) or refuses it
with Ganeti's message; the CLI, job filters and the query language all read
the same records.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from agent.errors import OpCodeError

REDACTED = "<redacted>"
PRIORITIES = (-10, 0, 10)
DISK_TEMPLATES = (
    "diskless", "file", "sharedfile", "plain", "blockdev", "drbd", "rbd", "ext", "gluster",
)
HYPERVISORS = ("kvm", "xen-pvm", "xen-hvm", "chroot", "lxc", "fake")
JOB_FINAL = ("success", "error", "canceled")

Check = Callable[[Any], str | None]


def _is_str(v: Any) -> str | None:
    return None if isinstance(v, str) else "expected a string"


def _is_nonempty_str(v: Any) -> str | None:
    return None if isinstance(v, str) and v else "expected a non-empty string"


def _is_bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else "expected a boolean"


def _is_int_ge0(v: Any) -> str | None:
    ok = isinstance(v, int) and not isinstance(v, bool) and v >= 0
    return None if ok else "expected a non-negative integer"


def _is_float(v: Any) -> str | None:
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    return None if ok else "expected a number"


def _is_dict(v: Any) -> str | None:
    return None if isinstance(v, dict) else "expected an object"


def _list_of(item: Check) -> Check:
    def check(v: Any) -> str | None:
        if not isinstance(v, list):
            return "expected a list"
        for i, x in enumerate(v):
            err = item(x)
            if err:
                return f"item {i}: {err}"
        return None

    return check


def _enum(*values: str) -> Check:
    def check(v: Any) -> str | None:
        return None if v in values else f"expected one of {', '.join(values)}"

    return check


def _is_priority(v: Any) -> str | None:
    return None if v in PRIORITIES and not isinstance(v, bool) else "expected one of -10, 0, 10"


def _is_reason(v: Any) -> str | None:
    if not isinstance(v, list):
        return "expected a list of [source, reason, timestamp]"
    for entry in v:
        if not (
            isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str)
            and isinstance(entry[1], str) and isinstance(entry[2], int)
        ):
            return f"invalid reason entry {entry!r}"
    return None


def _is_depends(v: Any) -> str | None:
    if v is None:
        return None
    if not isinstance(v, list):
        return "expected a list of [job_id, [status, ...]]"
    for dep in v:
        if not (isinstance(dep, list) and len(dep) == 2 and isinstance(dep[1], list)):
            return f"invalid dependency {dep!r}"
        job, statuses = dep
        if not (isinstance(job, int) and not isinstance(job, bool)) and not (
            isinstance(job, str) and job.isdigit()
        ):
            return f"invalid job id {job!r}"
        if any(s not in JOB_FINAL for s in statuses):
            return f"invalid dependency statuses {statuses!r}"
    return None


REQUIRED = object()
OPTIONAL = object()


@dataclass(frozen=True)
class Field:
    """One opcode field: ``default`` is REQUIRED, OPTIONAL (absent means not given) or a value."""

    name: str
    check: Check
    default: Any = OPTIONAL
    secret: bool = False
    nullable: bool = False


@dataclass(frozen=True)
class OpDef:
    op_id: str
    fields: tuple[Field, ...]
    summary_field: str | None = None
    doc: str = ""
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in COMMON_FIELDS + self.fields})

    @property
    def summary_prefix(self) -> str:
        return self.op_id.removeprefix("OP_")

    @property
    def reason_source(self) -> str:
        return "gnt:opcode:" + self.summary_prefix.lower()


COMMON_FIELDS: tuple[Field, ...] = (
    Field("dry_run", _is_bool),
    Field("debug_level", _is_int_ge0),
    Field("priority", _is_priority, 0),
    Field("depends", _is_depends, None, nullable=True),
    Field("comment", _is_str, None, nullable=True),
    Field("reason", _is_reason, []),
)

_STR = _is_nonempty_str

REGISTRY: dict[str, OpDef] = {}


def _op(op_id: str, *fields: Field, summary: str | None = None, doc: str = "") -> None:
    REGISTRY[op_id] = OpDef(op_id, tuple(fields), summary, doc)


_op(
    "OP_CLUSTER_VERIFY",
    Field("debug_simulate_errors", _is_bool, False),
    Field("error_codes", _is_bool, False),
    Field("skip_checks", _list_of(_enum("nplusone_mem")), []),
    Field("ignore_errors", _list_of(_is_str), []),
    Field("verbose", _is_bool, False),
    Field("group_name", _STR),
    Field("verify_clutter", _is_bool, False),
    doc="Verify the cluster: submits one config job and one job per node group.",
)
_op(
    "OP_CLUSTER_VERIFY_CONFIG",
    Field("debug_simulate_errors", _is_bool, False),
    Field("error_codes", _is_bool, False),
    Field("ignore_errors", _list_of(_is_str), []),
    Field("verbose", _is_bool, False),
    doc="Verify the configuration's consistency.",
)
_op(
    "OP_CLUSTER_VERIFY_GROUP",
    Field("group_name", _STR, REQUIRED),
    Field("debug_simulate_errors", _is_bool, False),
    Field("error_codes", _is_bool, False),
    Field("skip_checks", _list_of(_enum("nplusone_mem")), []),
    Field("ignore_errors", _list_of(_is_str), []),
    Field("verbose", _is_bool, False),
    Field("verify_clutter", _is_bool, False),
    summary="group_name",
    doc="Verify the nodes and instances of one node group against the nodes' state.",
)
_op("OP_CLUSTER_QUERY", doc="Return the cluster's properties.")


def _is_int_gt0(v: Any) -> str | None:
    ok = isinstance(v, int) and not isinstance(v, bool) and v > 0
    return None if ok else "expected a positive integer"


_op(
    "OP_CLUSTER_SET_PARAMS",
    Field("max_running_jobs", _is_int_gt0),
    Field("max_tracked_jobs", _is_int_gt0),
    Field("candidate_pool_size", _is_int_gt0),
    Field("beparams", _is_dict),
    Field("enabled_disk_templates", _list_of(_enum(*DISK_TEMPLATES))),
    Field("default_iallocator", _is_str),
    Field("default_iallocator_params", _is_dict),
    Field("mac_prefix", _STR),
    doc="Change cluster parameters.",
)
_op(
    "OP_NODE_ADD",
    Field("node_name", _STR, REQUIRED),
    Field("primary_ip", _STR),
    Field("secondary_ip", _STR),
    Field("readd", _is_bool, False),
    Field("group", _STR),
    Field("master_capable", _is_bool),
    Field("vm_capable", _is_bool),
    Field("ndparams", _is_dict),
    Field("hv_state", _is_dict),
    Field("disk_state", _is_dict),
    Field("node_setup", _is_bool, False),
    # ganeti-shell: agents may listen on any port (several per host in tests),
    # and join with a one-time token instead of over SSH.
    Field("agent_port", _is_int_ge0),
    Field("join_token", _STR, secret=True),
    summary="node_name",
    doc="Add a node to the cluster.",
)
_op(
    "OP_NODE_REMOVE",
    Field("node_name", _STR, REQUIRED),
    Field("node_uuid", _STR),
    summary="node_name",
    doc="Remove a node from the cluster.",
)
_op(
    "OP_NODE_EVACUATE",
    Field("node_name", _STR, REQUIRED),
    Field("node_uuid", _STR),
    Field("mode", _enum("primary-only", "secondary-only", "all"), REQUIRED),
    Field("remote_node", _STR),
    Field("remote_node_uuid", _STR),
    Field("iallocator", _STR),
    Field("early_release", _is_bool, False),
    Field("ignore_soft_errors", _is_bool),
    summary="node_name",
    doc="Move the instances off a node: submits one job per instance, as the allocator plans.",
)
_op(
    "OP_INSTANCE_CREATE",
    Field("instance_name", _STR, REQUIRED),
    Field("mode", _enum("create", "import", "remote-import"), REQUIRED),
    Field("disks", _list_of(_is_dict), REQUIRED),
    Field("nics", _list_of(_is_dict), REQUIRED),
    Field("beparams", _is_dict, {}),
    Field("hvparams", _is_dict, {}),
    Field("osparams", _is_dict, {}),
    Field("forthcoming", _is_bool, False),
    Field("commit", _is_bool, False),
    Field("name_check", _is_bool, True),
    Field("ip_check", _is_bool, True),
    Field("conflicts_check", _is_bool, True),
    Field("wait_for_sync", _is_bool, True),
    Field("start", _is_bool, True),
    Field("identify_defaults", _is_bool, False),
    Field("opportunistic_locking", _is_bool, False),
    Field("ignore_ipolicy", _is_bool, False),
    Field("force_variant", _is_bool, False),
    Field("compress", _is_str, "none"),
    Field("source_shutdown_timeout", _is_int_ge0, 120),
    Field("tags", _list_of(_is_str), []),
    Field("instance_communication", _is_bool, False),
    Field("disk_template", _enum(*DISK_TEMPLATES)),
    Field("osparams_private", _is_dict, secret=False),
    Field("osparams_secret", _is_dict, secret=True),
    Field("os_type", _STR),
    Field("pnode", _STR),
    Field("pnode_uuid", _STR),
    Field("snode", _STR),
    Field("snode_uuid", _STR),
    Field("iallocator", _STR),
    Field("group_name", _STR),
    Field("hypervisor", _enum(*HYPERVISORS)),
    Field("no_install", _is_bool),
    Field("file_driver", _enum("loop", "blktap", "blktap2")),
    Field("file_storage_dir", _STR),
    Field("src_node", _STR),
    Field("src_node_uuid", _STR),
    Field("src_path", _STR),
    summary="instance_name",
    doc="Create an instance.",
)
_op(
    "OP_INSTANCE_REMOVE",
    Field("instance_name", _STR, REQUIRED),
    Field("instance_uuid", _STR),
    Field("shutdown_timeout", _is_int_ge0, 120),
    Field("ignore_failures", _is_bool, False),
    summary="instance_name",
    doc="Remove an instance and its disks.",
)
_op(
    "OP_INSTANCE_STARTUP",
    Field("instance_name", _STR, REQUIRED),
    Field("instance_uuid", _STR),
    Field("force", _is_bool, False),
    Field("ignore_offline_nodes", _is_bool, False),
    Field("hvparams", _is_dict, {}),
    Field("beparams", _is_dict, {}),
    Field("no_remember", _is_bool, False),
    Field("startup_paused", _is_bool, False),
    Field("shutdown_timeout", _is_int_ge0, 120),
    summary="instance_name",
    doc="Start an instance.",
)
_op(
    "OP_INSTANCE_SHUTDOWN",
    Field("instance_name", _STR, REQUIRED),
    Field("instance_uuid", _STR),
    Field("force", _is_bool, False),
    Field("ignore_offline_nodes", _is_bool, False),
    Field("timeout", _is_int_ge0, 120),
    Field("no_remember", _is_bool, False),
    Field("admin_state_source", _enum("admin", "user")),
    summary="instance_name",
    doc="Stop an instance.",
)
_op(
    "OP_TEST_DELAY",
    Field("duration", _is_float, REQUIRED),
    Field("on_master", _is_bool, True),
    Field("on_nodes", _list_of(_is_str), []),
    Field("on_node_uuids", _list_of(_is_str)),
    Field("repeat", _is_int_ge0, 0),
    Field("interruptible", _is_bool, False),
    Field("no_locks", _is_bool, True),
    summary="duration",
    doc="Sleep for a while, on the master and/or on nodes (a test opcode).",
)


def _haskell_float(value: float) -> str:
    """Render a float the way Haskell's ``show`` does (luxid computes job summaries)."""
    value = float(value)
    if value == 0:
        return "0.0"
    sign = "-" if value < 0 else ""
    d = Decimal(repr(abs(value))).normalize()
    _, digits, exponent = d.as_tuple()
    text = "".join(map(str, digits))
    exp10 = len(text) - 1 + int(exponent)
    if 0.1 <= abs(value) < 10**7:
        whole = repr(abs(value))
        return sign + (whole if "." in whole else whole + ".0")
    return f"{sign}{text[0]}.{text[1:] or '0'}e{exp10}"


def summary(op: dict[str, Any]) -> str:
    """Ganeti's summary of an opcode, e.g. ``INSTANCE_STARTUP(web1)`` or ``TEST_DELAY(1.0e-3)``."""
    op_id = op.get("OP_ID")
    if not isinstance(op_id, str):
        return "INVALID_OP"
    opdef = REGISTRY.get(op_id)
    prefix = op_id.removeprefix("OP_")
    if opdef is None or opdef.summary_field is None:
        return prefix
    value = op.get(opdef.summary_field)
    if value is None:
        return prefix
    if isinstance(value, float) or opdef.summary_field == "duration":
        return f"{prefix}({_haskell_float(value)})"
    return f"{prefix}({value})"


def _show(names: list[str]) -> str:
    return "[" + ", ".join(f'"{n}"' for n in names) + "]"


def validate(op: Any) -> dict[str, Any]:
    """Check one submitted opcode and return its normalised form (defaults filled in)."""
    if not isinstance(op, dict):
        raise OpCodeError("an opcode must be a JSON object")
    op_id = op.get("OP_ID")
    if not isinstance(op_id, str) or op_id not in REGISTRY:
        raise OpCodeError(f"Unknown opcode {op_id}")
    opdef = REGISTRY[op_id]
    allowed = ["OP_ID", *opdef.by_name]
    extra = sorted(k for k in op if k not in opdef.by_name and k != "OP_ID")
    if extra:
        raise OpCodeError(
            f"Superfluous dictionary keys: {_show(extra)}, but only {_show(sorted(allowed))} allowed."
        )
    out: dict[str, Any] = {"OP_ID": op_id}
    for f in opdef.by_name.values():
        if f.name in op and not (op[f.name] is None and f.default is OPTIONAL):
            value = op[f.name]
            if value is None and f.nullable:
                out[f.name] = None
                continue
            err = f.check(value)
            if err:
                raise OpCodeError(f"key '{f.name}': {err}, got {value!r}")
            out[f.name] = value
        elif f.default is REQUIRED:
            raise OpCodeError(f"key '{f.name}' not found, object contains only {_show(sorted(op))}")
        elif f.default is not OPTIONAL:
            out[f.name] = _copy_default(f.default)
    if op_id == "OP_TEST_DELAY":
        out["duration"] = float(out["duration"])
    return out


def _copy_default(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return type(value)(value)
    return value


def split_secrets(op: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Separate secret fields from an opcode: the stored copy shows them as ``<redacted>``."""
    opdef = REGISTRY[op["OP_ID"]]
    secrets: dict[str, Any] = {}
    stored = dict(op)
    for f in opdef.fields:
        if f.secret and f.name in op and op[f.name] is not None:
            secrets[f.name] = op[f.name]
            value = op[f.name]
            stored[f.name] = {k: REDACTED for k in value} if isinstance(value, dict) else REDACTED
    if isinstance(stored.get("osparams_private"), dict):
        secrets["osparams_private"] = stored["osparams_private"]
        stored["osparams_private"] = {k: REDACTED for k in stored["osparams_private"]}
    return stored, secrets


def has_redacted_secrets(op: dict[str, Any]) -> bool:
    """Whether a stored opcode lost secret values that only the master's memory held."""
    for f in REGISTRY[op["OP_ID"]].fields:
        value = op.get(f.name)
        if f.secret and value is not None:
            if value == REDACTED or (isinstance(value, dict) and REDACTED in value.values()):
                return True
    return False


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mMgGtT]?)[bB]?\s*$")


def parse_size(value: Any) -> int:
    """A size in MiB from ``512``, ``10G``, ``1.5t``: Ganeti's unit suffixes."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise OpCodeError(f"Invalid size: {value}")
        return value
    match = _SIZE.match(str(value))
    if not match:
        raise OpCodeError(f"Invalid size: '{value}'")
    number, unit = float(match.group(1)), match.group(2).lower()
    factor = {"": 1, "m": 1, "g": 1024, "t": 1024 * 1024}[unit]
    return int(math.ceil(number * factor))


# Opcodes that move instances and node groups register themselves in REGISTRY on import.
from agent.master import opcodes_groups, opcodes_migration  # noqa: E402,F401
