from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

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
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: int
    def __init__(self, job_id: _Optional[int] = ...) -> None: ...

class GetJobsRequest(_message.Message):
    __slots__ = ("job_ids",)
    JOB_IDS_FIELD_NUMBER: _ClassVar[int]
    job_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, job_ids: _Optional[_Iterable[int]] = ...) -> None: ...

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
