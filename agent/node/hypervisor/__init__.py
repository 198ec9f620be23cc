"""Hypervisor backends of the node agent."""

from agent.node.hypervisor.base import Hypervisor, RunningInstance
from agent.node.hypervisor.fake import FakeHypervisor

__all__ = ["FakeHypervisor", "Hypervisor", "RunningInstance"]
