from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WatchQueueRequest(_message.Message):
    __slots__ = ("after_seq", "epoch")
    AFTER_SEQ_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    after_seq: int
    epoch: str
    def __init__(self, after_seq: _Optional[int] = ..., epoch: _Optional[str] = ...) -> None: ...

class QueueUpdate(_message.Message):
    __slots__ = ("seq", "epoch", "snapshot", "snapshot_end", "job_id", "status", "priority", "summary", "removed", "reason")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_END_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    seq: int
    epoch: str
    snapshot: bool
    snapshot_end: bool
    job_id: int
    status: str
    priority: int
    summary: _containers.RepeatedScalarFieldContainer[str]
    removed: bool
    reason: str
    def __init__(self, seq: _Optional[int] = ..., epoch: _Optional[str] = ..., snapshot: _Optional[bool] = ..., snapshot_end: _Optional[bool] = ..., job_id: _Optional[int] = ..., status: _Optional[str] = ..., priority: _Optional[int] = ..., summary: _Optional[_Iterable[str]] = ..., removed: _Optional[bool] = ..., reason: _Optional[str] = ...) -> None: ...

class QueueUpdates(_message.Message):
    __slots__ = ("updates",)
    UPDATES_FIELD_NUMBER: _ClassVar[int]
    updates: _containers.RepeatedCompositeFieldContainer[QueueUpdate]
    def __init__(self, updates: _Optional[_Iterable[_Union[QueueUpdate, _Mapping]]] = ...) -> None: ...

class CancelJobRequest(_message.Message):
    __slots__ = ("job_id", "kill")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    KILL_FIELD_NUMBER: _ClassVar[int]
    job_id: int
    kill: bool
    def __init__(self, job_id: _Optional[int] = ..., kill: _Optional[bool] = ...) -> None: ...

class JobControlReply(_message.Message):
    __slots__ = ("success", "message")
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    success: bool
    message: str
    def __init__(self, success: _Optional[bool] = ..., message: _Optional[str] = ...) -> None: ...

class ChangeJobPriorityRequest(_message.Message):
    __slots__ = ("job_id", "priority")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    job_id: int
    priority: int
    def __init__(self, job_id: _Optional[int] = ..., priority: _Optional[int] = ...) -> None: ...

class ArchiveJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: int
    def __init__(self, job_id: _Optional[int] = ...) -> None: ...

class AutoArchiveJobsRequest(_message.Message):
    __slots__ = ("age", "timeout")
    AGE_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    age: int
    timeout: float
    def __init__(self, age: _Optional[int] = ..., timeout: _Optional[float] = ...) -> None: ...

class AutoArchiveJobsReply(_message.Message):
    __slots__ = ("archived", "left")
    ARCHIVED_FIELD_NUMBER: _ClassVar[int]
    LEFT_FIELD_NUMBER: _ClassVar[int]
    archived: int
    left: int
    def __init__(self, archived: _Optional[int] = ..., left: _Optional[int] = ...) -> None: ...

class SetDrainFlagRequest(_message.Message):
    __slots__ = ("drained",)
    DRAINED_FIELD_NUMBER: _ClassVar[int]
    drained: bool
    def __init__(self, drained: _Optional[bool] = ...) -> None: ...

class SetDrainFlagReply(_message.Message):
    __slots__ = ("drained",)
    DRAINED_FIELD_NUMBER: _ClassVar[int]
    drained: bool
    def __init__(self, drained: _Optional[bool] = ...) -> None: ...

class QueryLocksRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LockInfo(_message.Message):
    __slots__ = ("name", "mode", "owners", "pending")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    OWNERS_FIELD_NUMBER: _ClassVar[int]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    name: str
    mode: str
    owners: _containers.RepeatedScalarFieldContainer[int]
    pending: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., mode: _Optional[str] = ..., owners: _Optional[_Iterable[int]] = ..., pending: _Optional[_Iterable[str]] = ...) -> None: ...

class QueryLocksReply(_message.Message):
    __slots__ = ("locks",)
    LOCKS_FIELD_NUMBER: _ClassVar[int]
    locks: _containers.RepeatedCompositeFieldContainer[LockInfo]
    def __init__(self, locks: _Optional[_Iterable[_Union[LockInfo, _Mapping]]] = ...) -> None: ...

class ReplaceFilterRequest(_message.Message):
    __slots__ = ("uuid", "priority", "predicates_json", "action_json", "reason_json")
    UUID_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    PREDICATES_JSON_FIELD_NUMBER: _ClassVar[int]
    ACTION_JSON_FIELD_NUMBER: _ClassVar[int]
    REASON_JSON_FIELD_NUMBER: _ClassVar[int]
    uuid: str
    priority: int
    predicates_json: str
    action_json: str
    reason_json: str
    def __init__(self, uuid: _Optional[str] = ..., priority: _Optional[int] = ..., predicates_json: _Optional[str] = ..., action_json: _Optional[str] = ..., reason_json: _Optional[str] = ...) -> None: ...

class ReplaceFilterReply(_message.Message):
    __slots__ = ("uuid",)
    UUID_FIELD_NUMBER: _ClassVar[int]
    uuid: str
    def __init__(self, uuid: _Optional[str] = ...) -> None: ...

class DeleteFilterRequest(_message.Message):
    __slots__ = ("uuid",)
    UUID_FIELD_NUMBER: _ClassVar[int]
    uuid: str
    def __init__(self, uuid: _Optional[str] = ...) -> None: ...

class DeleteFilterReply(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QueryFiltersRequest(_message.Message):
    __slots__ = ("uuids",)
    UUIDS_FIELD_NUMBER: _ClassVar[int]
    uuids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, uuids: _Optional[_Iterable[str]] = ...) -> None: ...

class QueryFiltersReply(_message.Message):
    __slots__ = ("rules_json",)
    RULES_JSON_FIELD_NUMBER: _ClassVar[int]
    rules_json: str
    def __init__(self, rules_json: _Optional[str] = ...) -> None: ...

class FilterDryRunReply(_message.Message):
    __slots__ = ("matches_json", "watermark")
    MATCHES_JSON_FIELD_NUMBER: _ClassVar[int]
    WATERMARK_FIELD_NUMBER: _ClassVar[int]
    matches_json: str
    watermark: int
    def __init__(self, matches_json: _Optional[str] = ..., watermark: _Optional[int] = ...) -> None: ...

class SubmitJobRequest(_message.Message):
    __slots__ = ("ops_json", "secrets_json")
    class SecretsJsonEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: int
        value: str
        def __init__(self, key: _Optional[int] = ..., value: _Optional[str] = ...) -> None: ...
    OPS_JSON_FIELD_NUMBER: _ClassVar[int]
    SECRETS_JSON_FIELD_NUMBER: _ClassVar[int]
    ops_json: str
    secrets_json: _containers.ScalarMap[int, str]
    def __init__(self, ops_json: _Optional[str] = ..., secrets_json: _Optional[_Mapping[int, str]] = ...) -> None: ...

class SubmitJobReply(_message.Message):
    __slots__ = ("job_id", "error_json")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_JSON_FIELD_NUMBER: _ClassVar[int]
    job_id: int
    error_json: str
    def __init__(self, job_id: _Optional[int] = ..., error_json: _Optional[str] = ...) -> None: ...

class SubmitManyJobsRequest(_message.Message):
    __slots__ = ("jobs",)
    JOBS_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[SubmitJobRequest]
    def __init__(self, jobs: _Optional[_Iterable[_Union[SubmitJobRequest, _Mapping]]] = ...) -> None: ...

class SubmitManyJobsReply(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[SubmitJobReply]
    def __init__(self, results: _Optional[_Iterable[_Union[SubmitJobReply, _Mapping]]] = ...) -> None: ...

class GetJobsRequest(_message.Message):
    __slots__ = ("job_ids", "include_archived")
    JOB_IDS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_ARCHIVED_FIELD_NUMBER: _ClassVar[int]
    job_ids: _containers.RepeatedScalarFieldContainer[int]
    include_archived: bool
    def __init__(self, job_ids: _Optional[_Iterable[int]] = ..., include_archived: _Optional[bool] = ...) -> None: ...

class LogEntry(_message.Message):
    __slots__ = ("serial", "timestamp", "type", "message", "opcode_index")
    SERIAL_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    OPCODE_INDEX_FIELD_NUMBER: _ClassVar[int]
    serial: int
    timestamp: float
    type: str
    message: str
    opcode_index: int
    def __init__(self, serial: _Optional[int] = ..., timestamp: _Optional[float] = ..., type: _Optional[str] = ..., message: _Optional[str] = ..., opcode_index: _Optional[int] = ...) -> None: ...

class Job(_message.Message):
    __slots__ = ("id", "status", "priority", "job_json")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    JOB_JSON_FIELD_NUMBER: _ClassVar[int]
    id: int
    status: str
    priority: int
    job_json: str
    def __init__(self, id: _Optional[int] = ..., status: _Optional[str] = ..., priority: _Optional[int] = ..., job_json: _Optional[str] = ...) -> None: ...

class GetJobsReply(_message.Message):
    __slots__ = ("jobs", "missing")
    JOBS_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[Job]
    missing: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, jobs: _Optional[_Iterable[_Union[Job, _Mapping]]] = ..., missing: _Optional[_Iterable[int]] = ...) -> None: ...

class WatchJobRequest(_message.Message):
    __slots__ = ("job_id", "after_log_serial")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_LOG_SERIAL_FIELD_NUMBER: _ClassVar[int]
    job_id: int
    after_log_serial: int
    def __init__(self, job_id: _Optional[int] = ..., after_log_serial: _Optional[int] = ...) -> None: ...

class JobEvent(_message.Message):
    __slots__ = ("job_id", "status", "log", "final_job_json")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LOG_FIELD_NUMBER: _ClassVar[int]
    FINAL_JOB_JSON_FIELD_NUMBER: _ClassVar[int]
    job_id: int
    status: str
    log: _containers.RepeatedCompositeFieldContainer[LogEntry]
    final_job_json: str
    def __init__(self, job_id: _Optional[int] = ..., status: _Optional[str] = ..., log: _Optional[_Iterable[_Union[LogEntry, _Mapping]]] = ..., final_job_json: _Optional[str] = ...) -> None: ...

class QueryRequest(_message.Message):
    __slots__ = ("kind", "names", "live")
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAMES_FIELD_NUMBER: _ClassVar[int]
    LIVE_FIELD_NUMBER: _ClassVar[int]
    kind: str
    names: _containers.RepeatedScalarFieldContainer[str]
    live: bool
    def __init__(self, kind: _Optional[str] = ..., names: _Optional[_Iterable[str]] = ..., live: _Optional[bool] = ...) -> None: ...

class QueryReply(_message.Message):
    __slots__ = ("items_json", "missing")
    ITEMS_JSON_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    items_json: str
    missing: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, items_json: _Optional[str] = ..., missing: _Optional[_Iterable[str]] = ...) -> None: ...

class ClusterInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ClusterInfoReply(_message.Message):
    __slots__ = ("cluster_json",)
    CLUSTER_JSON_FIELD_NUMBER: _ClassVar[int]
    cluster_json: str
    def __init__(self, cluster_json: _Optional[str] = ...) -> None: ...

class BalancePreviewRequest(_message.Message):
    __slots__ = ("max_moves", "min_gain", "min_gain_limit", "min_score", "evac_mode", "no_disk_moves", "no_instance_moves", "group")
    MAX_MOVES_FIELD_NUMBER: _ClassVar[int]
    MIN_GAIN_FIELD_NUMBER: _ClassVar[int]
    MIN_GAIN_LIMIT_FIELD_NUMBER: _ClassVar[int]
    MIN_SCORE_FIELD_NUMBER: _ClassVar[int]
    EVAC_MODE_FIELD_NUMBER: _ClassVar[int]
    NO_DISK_MOVES_FIELD_NUMBER: _ClassVar[int]
    NO_INSTANCE_MOVES_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    max_moves: int
    min_gain: float
    min_gain_limit: float
    min_score: float
    evac_mode: bool
    no_disk_moves: bool
    no_instance_moves: bool
    group: str
    def __init__(self, max_moves: _Optional[int] = ..., min_gain: _Optional[float] = ..., min_gain_limit: _Optional[float] = ..., min_score: _Optional[float] = ..., evac_mode: _Optional[bool] = ..., no_disk_moves: _Optional[bool] = ..., no_instance_moves: _Optional[bool] = ..., group: _Optional[str] = ...) -> None: ...

class BalancePreviewReply(_message.Message):
    __slots__ = ("preview_json", "cluster_serial")
    PREVIEW_JSON_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_SERIAL_FIELD_NUMBER: _ClassVar[int]
    preview_json: str
    cluster_serial: int
    def __init__(self, preview_json: _Optional[str] = ..., cluster_serial: _Optional[int] = ...) -> None: ...

class ExecuteBalanceRequest(_message.Message):
    __slots__ = ("options", "expected_serial")
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_SERIAL_FIELD_NUMBER: _ClassVar[int]
    options: BalancePreviewRequest
    expected_serial: int
    def __init__(self, options: _Optional[_Union[BalancePreviewRequest, _Mapping]] = ..., expected_serial: _Optional[int] = ...) -> None: ...

class ExecuteBalanceReply(_message.Message):
    __slots__ = ("job_ids", "jobset_sizes")
    JOB_IDS_FIELD_NUMBER: _ClassVar[int]
    JOBSET_SIZES_FIELD_NUMBER: _ClassVar[int]
    job_ids: _containers.RepeatedScalarFieldContainer[int]
    jobset_sizes: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, job_ids: _Optional[_Iterable[int]] = ..., jobset_sizes: _Optional[_Iterable[int]] = ...) -> None: ...
