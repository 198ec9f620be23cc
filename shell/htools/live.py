"""The live backend of the htools: the cluster read from the master over the Cluster API.

grpc is imported only here, so ``-t`` runs never pay for it.
"""

from __future__ import annotations

from agent.htools import ClusterData, HtoolsError, parse_text
from agent.htools.live_text import render_live


def load_master(address: str | None) -> ClusterData:
    """Read the cluster from the master at ``address`` (or the default resolution)."""
    from agent.errors import GanetiError
    from shell.client import ClusterClient

    try:
        with ClusterClient(address or None, timeout=30) as client:
            text = render_live(
                client.cluster_info(), client.query("group"),
                client.query("node", live=True), client.query("instance", live=True),
            )
            where = client.address
    except GanetiError as exc:
        raise HtoolsError(exc.message.replace("\n", " ")) from None
    return parse_text(text, f"master {where}")
