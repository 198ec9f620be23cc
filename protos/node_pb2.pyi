from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class JoinRequest(_message.Message):
    __slots__ = ("node_name", "cluster_name", "ca_cert_pem", "master_identity", "nonce", "proof")
    NODE_NAME_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_NAME_FIELD_NUMBER: _ClassVar[int]
    CA_CERT_PEM_FIELD_NUMBER: _ClassVar[int]
    MASTER_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    NONCE_FIELD_NUMBER: _ClassVar[int]
    PROOF_FIELD_NUMBER: _ClassVar[int]
    node_name: str
    cluster_name: str
    ca_cert_pem: bytes
    master_identity: str
    nonce: bytes
    proof: bytes
    def __init__(self, node_name: _Optional[str] = ..., cluster_name: _Optional[str] = ..., ca_cert_pem: _Optional[bytes] = ..., master_identity: _Optional[str] = ..., nonce: _Optional[bytes] = ..., proof: _Optional[bytes] = ...) -> None: ...

class JoinReply(_message.Message):
    __slots__ = ("csr_pem", "proof")
    CSR_PEM_FIELD_NUMBER: _ClassVar[int]
    PROOF_FIELD_NUMBER: _ClassVar[int]
    csr_pem: bytes
    proof: bytes
    def __init__(self, csr_pem: _Optional[bytes] = ..., proof: _Optional[bytes] = ...) -> None: ...

class InstallCertificateRequest(_message.Message):
    __slots__ = ("cert_pem", "nonce", "proof")
    CERT_PEM_FIELD_NUMBER: _ClassVar[int]
    NONCE_FIELD_NUMBER: _ClassVar[int]
    PROOF_FIELD_NUMBER: _ClassVar[int]
    cert_pem: bytes
    nonce: bytes
    proof: bytes
    def __init__(self, cert_pem: _Optional[bytes] = ..., nonce: _Optional[bytes] = ..., proof: _Optional[bytes] = ...) -> None: ...

class InstallCertificateReply(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PingRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PingReply(_message.Message):
    __slots__ = ("node_name", "version", "time")
    NODE_NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    node_name: str
    version: str
    time: float
    def __init__(self, node_name: _Optional[str] = ..., version: _Optional[str] = ..., time: _Optional[float] = ...) -> None: ...

class NodeInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class NodeInfoReply(_message.Message):
    __slots__ = ("node_name", "memory_total_mib", "memory_free_mib", "memory_node_mib", "cpu_count", "disk_total_mib", "disk_free_mib", "hypervisors", "storage_types", "version")
    NODE_NAME_FIELD_NUMBER: _ClassVar[int]
    MEMORY_TOTAL_MIB_FIELD_NUMBER: _ClassVar[int]
    MEMORY_FREE_MIB_FIELD_NUMBER: _ClassVar[int]
    MEMORY_NODE_MIB_FIELD_NUMBER: _ClassVar[int]
    CPU_COUNT_FIELD_NUMBER: _ClassVar[int]
    DISK_TOTAL_MIB_FIELD_NUMBER: _ClassVar[int]
    DISK_FREE_MIB_FIELD_NUMBER: _ClassVar[int]
    HYPERVISORS_FIELD_NUMBER: _ClassVar[int]
    STORAGE_TYPES_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    node_name: str
    memory_total_mib: int
    memory_free_mib: int
    memory_node_mib: int
    cpu_count: int
    disk_total_mib: int
    disk_free_mib: int
    hypervisors: _containers.RepeatedScalarFieldContainer[str]
    storage_types: _containers.RepeatedScalarFieldContainer[str]
    version: str
    def __init__(self, node_name: _Optional[str] = ..., memory_total_mib: _Optional[int] = ..., memory_free_mib: _Optional[int] = ..., memory_node_mib: _Optional[int] = ..., cpu_count: _Optional[int] = ..., disk_total_mib: _Optional[int] = ..., disk_free_mib: _Optional[int] = ..., hypervisors: _Optional[_Iterable[str]] = ..., storage_types: _Optional[_Iterable[str]] = ..., version: _Optional[str] = ...) -> None: ...

class InstanceState(_message.Message):
    __slots__ = ("name", "running", "memory_mib", "vcpus", "hypervisor")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RUNNING_FIELD_NUMBER: _ClassVar[int]
    MEMORY_MIB_FIELD_NUMBER: _ClassVar[int]
    VCPUS_FIELD_NUMBER: _ClassVar[int]
    HYPERVISOR_FIELD_NUMBER: _ClassVar[int]
    name: str
    running: bool
    memory_mib: int
    vcpus: int
    hypervisor: str
    def __init__(self, name: _Optional[str] = ..., running: _Optional[bool] = ..., memory_mib: _Optional[int] = ..., vcpus: _Optional[int] = ..., hypervisor: _Optional[str] = ...) -> None: ...

class InstanceListRequest(_message.Message):
    __slots__ = ("hypervisor",)
    HYPERVISOR_FIELD_NUMBER: _ClassVar[int]
    hypervisor: str
    def __init__(self, hypervisor: _Optional[str] = ...) -> None: ...

class InstanceListReply(_message.Message):
    __slots__ = ("instances",)
    INSTANCES_FIELD_NUMBER: _ClassVar[int]
    instances: _containers.RepeatedCompositeFieldContainer[InstanceState]
    def __init__(self, instances: _Optional[_Iterable[_Union[InstanceState, _Mapping]]] = ...) -> None: ...

class InstanceStartRequest(_message.Message):
    __slots__ = ("name", "hypervisor", "memory_mib", "vcpus", "disk_paths", "paused")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HYPERVISOR_FIELD_NUMBER: _ClassVar[int]
    MEMORY_MIB_FIELD_NUMBER: _ClassVar[int]
    VCPUS_FIELD_NUMBER: _ClassVar[int]
    DISK_PATHS_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    name: str
    hypervisor: str
    memory_mib: int
    vcpus: int
    disk_paths: _containers.RepeatedScalarFieldContainer[str]
    paused: bool
    def __init__(self, name: _Optional[str] = ..., hypervisor: _Optional[str] = ..., memory_mib: _Optional[int] = ..., vcpus: _Optional[int] = ..., disk_paths: _Optional[_Iterable[str]] = ..., paused: _Optional[bool] = ...) -> None: ...

class InstanceStartReply(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class InstanceStopRequest(_message.Message):
    __slots__ = ("name", "hypervisor", "timeout_s")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HYPERVISOR_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_S_FIELD_NUMBER: _ClassVar[int]
    name: str
    hypervisor: str
    timeout_s: int
    def __init__(self, name: _Optional[str] = ..., hypervisor: _Optional[str] = ..., timeout_s: _Optional[int] = ...) -> None: ...

class InstanceStopReply(_message.Message):
    __slots__ = ("was_running",)
    WAS_RUNNING_FIELD_NUMBER: _ClassVar[int]
    was_running: bool
    def __init__(self, was_running: _Optional[bool] = ...) -> None: ...

class DiskSpec(_message.Message):
    __slots__ = ("uuid", "dev_type", "size_mib", "instance_name", "index", "drbd")
    UUID_FIELD_NUMBER: _ClassVar[int]
    DEV_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_MIB_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_NAME_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    DRBD_FIELD_NUMBER: _ClassVar[int]
    uuid: str
    dev_type: str
    size_mib: int
    instance_name: str
    index: int
    drbd: DrbdSpec
    def __init__(self, uuid: _Optional[str] = ..., dev_type: _Optional[str] = ..., size_mib: _Optional[int] = ..., instance_name: _Optional[str] = ..., index: _Optional[int] = ..., drbd: _Optional[_Union[DrbdSpec, _Mapping]] = ...) -> None: ...

class DrbdSpec(_message.Message):
    __slots__ = ("minor", "port", "peer_node", "peer_address", "peer_minor", "secret", "primary")
    MINOR_FIELD_NUMBER: _ClassVar[int]
    PORT_FIELD_NUMBER: _ClassVar[int]
    PEER_NODE_FIELD_NUMBER: _ClassVar[int]
    PEER_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    PEER_MINOR_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    PRIMARY_FIELD_NUMBER: _ClassVar[int]
    minor: int
    port: int
    peer_node: str
    peer_address: str
    peer_minor: int
    secret: str
    primary: bool
    def __init__(self, minor: _Optional[int] = ..., port: _Optional[int] = ..., peer_node: _Optional[str] = ..., peer_address: _Optional[str] = ..., peer_minor: _Optional[int] = ..., secret: _Optional[str] = ..., primary: _Optional[bool] = ...) -> None: ...

class DrbdState(_message.Message):
    __slots__ = ("uuid", "exists", "minor", "role", "connection", "disk_state", "sync_percent", "peer_node", "size_mib")
    UUID_FIELD_NUMBER: _ClassVar[int]
    EXISTS_FIELD_NUMBER: _ClassVar[int]
    MINOR_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    CONNECTION_FIELD_NUMBER: _ClassVar[int]
    DISK_STATE_FIELD_NUMBER: _ClassVar[int]
    SYNC_PERCENT_FIELD_NUMBER: _ClassVar[int]
    PEER_NODE_FIELD_NUMBER: _ClassVar[int]
    SIZE_MIB_FIELD_NUMBER: _ClassVar[int]
    uuid: str
    exists: bool
    minor: int
    role: str
    connection: str
    disk_state: str
    sync_percent: float
    peer_node: str
    size_mib: int
    def __init__(self, uuid: _Optional[str] = ..., exists: _Optional[bool] = ..., minor: _Optional[int] = ..., role: _Optional[str] = ..., connection: _Optional[str] = ..., disk_state: _Optional[str] = ..., sync_percent: _Optional[float] = ..., peer_node: _Optional[str] = ..., size_mib: _Optional[int] = ...) -> None: ...

class DrbdStatusRequest(_message.Message):
    __slots__ = ("uuids",)
    UUIDS_FIELD_NUMBER: _ClassVar[int]
    uuids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, uuids: _Optional[_Iterable[str]] = ...) -> None: ...

class DrbdStatusReply(_message.Message):
    __slots__ = ("disks",)
    DISKS_FIELD_NUMBER: _ClassVar[int]
    disks: _containers.RepeatedCompositeFieldContainer[DrbdState]
    def __init__(self, disks: _Optional[_Iterable[_Union[DrbdState, _Mapping]]] = ...) -> None: ...

class DrbdSetRoleRequest(_message.Message):
    __slots__ = ("uuid", "primary", "allow_two_primaries")
    UUID_FIELD_NUMBER: _ClassVar[int]
    PRIMARY_FIELD_NUMBER: _ClassVar[int]
    ALLOW_TWO_PRIMARIES_FIELD_NUMBER: _ClassVar[int]
    uuid: str
    primary: bool
    allow_two_primaries: bool
    def __init__(self, uuid: _Optional[str] = ..., primary: _Optional[bool] = ..., allow_two_primaries: _Optional[bool] = ...) -> None: ...

class DrbdSetRoleReply(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DrbdReconnectRequest(_message.Message):
    __slots__ = ("disk",)
    DISK_FIELD_NUMBER: _ClassVar[int]
    disk: DiskSpec
    def __init__(self, disk: _Optional[_Union[DiskSpec, _Mapping]] = ...) -> None: ...

class DrbdReconnectReply(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class InstanceMigrateRequest(_message.Message):
    __slots__ = ("name", "hypervisor", "target_node", "target_address", "live")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HYPERVISOR_FIELD_NUMBER: _ClassVar[int]
    TARGET_NODE_FIELD_NUMBER: _ClassVar[int]
    TARGET_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    LIVE_FIELD_NUMBER: _ClassVar[int]
    name: str
    hypervisor: str
    target_node: str
    target_address: str
    live: bool
    def __init__(self, name: _Optional[str] = ..., hypervisor: _Optional[str] = ..., target_node: _Optional[str] = ..., target_address: _Optional[str] = ..., live: _Optional[bool] = ...) -> None: ...

class InstanceFinalizeMigrationRequest(_message.Message):
    __slots__ = ("name", "hypervisor", "source", "success")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HYPERVISOR_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    name: str
    hypervisor: str
    source: bool
    success: bool
    def __init__(self, name: _Optional[str] = ..., hypervisor: _Optional[str] = ..., source: _Optional[bool] = ..., success: _Optional[bool] = ...) -> None: ...

class InstanceMigrationReply(_message.Message):
    __slots__ = ("status", "message")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    status: str
    message: str
    def __init__(self, status: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class DiskCreateRequest(_message.Message):
    __slots__ = ("disk",)
    DISK_FIELD_NUMBER: _ClassVar[int]
    disk: DiskSpec
    def __init__(self, disk: _Optional[_Union[DiskSpec, _Mapping]] = ...) -> None: ...

class DiskCreateReply(_message.Message):
    __slots__ = ("path",)
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class DiskRemoveRequest(_message.Message):
    __slots__ = ("disk",)
    DISK_FIELD_NUMBER: _ClassVar[int]
    disk: DiskSpec
    def __init__(self, disk: _Optional[_Union[DiskSpec, _Mapping]] = ...) -> None: ...

class DiskRemoveReply(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DiskListRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DiskInfo(_message.Message):
    __slots__ = ("uuid", "dev_type", "path", "size_mib")
    UUID_FIELD_NUMBER: _ClassVar[int]
    DEV_TYPE_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    SIZE_MIB_FIELD_NUMBER: _ClassVar[int]
    uuid: str
    dev_type: str
    path: str
    size_mib: int
    def __init__(self, uuid: _Optional[str] = ..., dev_type: _Optional[str] = ..., path: _Optional[str] = ..., size_mib: _Optional[int] = ...) -> None: ...

class DiskListReply(_message.Message):
    __slots__ = ("disks",)
    DISKS_FIELD_NUMBER: _ClassVar[int]
    disks: _containers.RepeatedCompositeFieldContainer[DiskInfo]
    def __init__(self, disks: _Optional[_Iterable[_Union[DiskInfo, _Mapping]]] = ...) -> None: ...

class OsCreateRequest(_message.Message):
    __slots__ = ("instance_name", "os", "disk_paths", "osparams")
    class OsparamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    INSTANCE_NAME_FIELD_NUMBER: _ClassVar[int]
    OS_FIELD_NUMBER: _ClassVar[int]
    DISK_PATHS_FIELD_NUMBER: _ClassVar[int]
    OSPARAMS_FIELD_NUMBER: _ClassVar[int]
    instance_name: str
    os: str
    disk_paths: _containers.RepeatedScalarFieldContainer[str]
    osparams: _containers.ScalarMap[str, str]
    def __init__(self, instance_name: _Optional[str] = ..., os: _Optional[str] = ..., disk_paths: _Optional[_Iterable[str]] = ..., osparams: _Optional[_Mapping[str, str]] = ...) -> None: ...

class OsCreateReply(_message.Message):
    __slots__ = ("log",)
    LOG_FIELD_NUMBER: _ClassVar[int]
    log: str
    def __init__(self, log: _Optional[str] = ...) -> None: ...

class DelayRequest(_message.Message):
    __slots__ = ("duration",)
    DURATION_FIELD_NUMBER: _ClassVar[int]
    duration: float
    def __init__(self, duration: _Optional[float] = ...) -> None: ...

class DelayReply(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DiskConvertRequest(_message.Message):
    __slots__ = ("source", "target")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    source: DiskSpec
    target: DiskSpec
    def __init__(self, source: _Optional[_Union[DiskSpec, _Mapping]] = ..., target: _Optional[_Union[DiskSpec, _Mapping]] = ...) -> None: ...

class DiskConvertReply(_message.Message):
    __slots__ = ("copied_mib",)
    COPIED_MIB_FIELD_NUMBER: _ClassVar[int]
    copied_mib: int
    def __init__(self, copied_mib: _Optional[int] = ...) -> None: ...
