"""The command groups; importing this package registers them all in the tree."""

from shell.cli.commands import cluster, debug, filter, group, instance, job, node

__all__ = ["cluster", "debug", "filter", "group", "instance", "job", "node"]
