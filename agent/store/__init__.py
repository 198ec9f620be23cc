"""Persistence of the configuration and the job queue behind one interface."""

from agent.store.base import ConfigObject, Delete, Put, Store, StoredJob
from agent.store.sqlite import SqliteStore

__all__ = ["ConfigObject", "Delete", "Put", "SqliteStore", "Store", "StoredJob"]
