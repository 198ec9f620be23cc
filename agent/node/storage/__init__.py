"""Storage backends of the node agent."""

from agent.node.storage.base import DiskRef, StorageBackend, StoredDisk
from agent.node.storage.file import DisklessStorage, FileStorage

__all__ = ["DiskRef", "DisklessStorage", "FileStorage", "StorageBackend", "StoredDisk"]
