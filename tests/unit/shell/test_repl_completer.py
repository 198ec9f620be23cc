"""The REPL completer: every candidate comes from the command tree or the (fake) master."""

from __future__ import annotations

from typing import Any

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from agent.errors import GanetiError
from shell.cli.fields import FIELDS
from shell.cli.tree import GROUPS, options_for
from shell.repl.completer import TreeCompleter
from shell.repl.live import LiveNames


class FakeCluster:
    """Answers like ClusterClient from fixed data; counts calls; can play a dead master."""

    def __init__(self, dead: bool = False) -> None:
        self.dead = dead
        self.calls = 0

    def query(
        self, kind: str, names: list[str] | None = None, live: bool = False
    ) -> list[dict[str, Any]]:
        self.calls += 1
        if self.dead:
            raise GanetiError("Cannot communicate with the master")
        data: dict[str, list[dict[str, Any]]] = {
            "node": [
                {"name": "node1.example", "group_name": "default"},
                {"name": "node2.example", "group_name": "default"},
            ],
            "instance": [
                {"name": "web1.example", "pnode": "node1.example"},
                {"name": "web2.example", "pnode": "node2.example"},
                {"name": "db1.example", "pnode": "node1.example"},
            ],
            "group": [{"name": "default", "node_cnt": 2}, {"name": "rack2", "node_cnt": 0}],
        }
        return data[kind]

    def get_jobs(self, job_ids: list[int] | None = None) -> tuple[list[dict[str, Any]], list[int]]:
        self.calls += 1
        if self.dead:
            raise GanetiError("Cannot communicate with the master")
        return [
            {"id": 7, "status": "running", "summary": ["TEST_DELAY(5)"]},
            {"id": 12, "status": "queued", "summary": ["INSTANCE_STARTUP(web1.example)"]},
        ], []

    def query_filters(self, uuids: list[str] | None = None) -> list[dict[str, Any]]:
        self.calls += 1
        if self.dead:
            raise GanetiError("Cannot communicate with the master")
        return [
            {"uuid": "f2a0c7e4-0000-4000-8000-000000000002", "priority": 1, "action": "REJECT"},
            {"uuid": "0b9d3c11-0000-4000-8000-000000000001", "priority": 0, "action": ["RATE_LIMIT", 10]},
        ]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def complete(text: str, cluster: FakeCluster | None = None) -> list[str]:
    cluster = cluster or FakeCluster()
    completer = TreeCompleter(LiveNames(lambda: cluster))
    return [c.text for c in completer.get_completions(Document(text), CompleteEvent())]


def test_empty_line_offers_every_group_spelling_and_the_builtins() -> None:
    offered = complete("")
    for group in GROUPS.values():
        assert group.name in offered
        assert group.program in offered
    assert {"help", "exit", "quit"} <= set(offered)


def test_group_prefix_completes_group_then_program() -> None:
    assert complete("inst") == ["instance", "gnt-instance"]


def test_commands_and_aliases_of_every_group_come_from_the_tree() -> None:
    for group in GROUPS.values():
        for spelling in (group.name, group.program, f"ganeti-shell {group.name}"):
            expected = [w for cmd in group.commands for w in (cmd.name, *cmd.aliases)]
            assert complete(f"{spelling} ") == expected


def test_alias_is_offered_by_prefix() -> None:
    assert "start" in complete("instance sta")
    assert "startup" in complete("instance sta")


def test_flags_include_common_job_and_list_options() -> None:
    offered = complete("instance list -")
    group = GROUPS["instance"]
    flags = [f for opt in options_for(group, group.command("list")) for f in opt.flags]  # type: ignore[arg-type]
    assert offered == flags
    assert {"--debug", "--reason", "--master", "-o", "--no-headers", "--units"} <= set(offered)
    assert {"--submit", "--dry-run", "--priority"} <= set(complete("instance add --"))


def test_flags_already_given_are_not_offered_again() -> None:
    assert "--no-headers" not in complete("node list --no-headers --no")


def test_empty_word_after_command_without_completable_arg_offers_flags() -> None:
    assert "--disk-template" in complete("instance add ")


def test_option_choices() -> None:
    assert complete("instance add -t dr") == ["drbd"]
    assert complete("instance add --priority ") == ["low", "normal", "high"]
    assert complete("node list --units=") == ["h", "m", "g", "t"]


def test_fields_after_dash_o() -> None:
    names = [f.name for f in FIELDS["node"][0]]
    assert complete("node list -o ") == names
    assert complete("node list -o name,mfr") == ["mfree"]
    assert "name" not in complete("node list -o name,")


def test_output_option_offers_fields_and_json() -> None:
    offered = complete("instance list --output ")
    assert "json" in offered and "pnode" in offered
    assert complete("instance list --output=js") == ["json"]
    assert complete("instance list --output name,js") == []
    assert complete("instance info --output ") == ["json"]


def test_extending_fields_with_plus_skips_the_defaults() -> None:
    offered = complete("instance list -o +")
    assert "name" not in offered and "tags" in offered


def test_list_fields_arguments_complete_field_names() -> None:
    assert complete("gnt-job list-fields summ") == ["summary"]


def test_live_instance_names_for_instance_args() -> None:
    assert complete("instance info ") == ["web1.example", "web2.example", "db1.example"]
    assert complete("instance startup web1.example ") == ["web2.example", "db1.example"]


def test_live_node_names_for_options_and_secondary_node() -> None:
    assert complete("instance add -n node") == ["node1.example", "node2.example"]
    assert complete("instance add -n node1.example:") == ["node2.example"]
    assert complete("node remove ") == ["node1.example", "node2.example"]


def test_live_group_names_and_job_ids() -> None:
    assert complete("node add --node-group=ra") == ["rack2"]
    assert complete("job info ") == ["12", "7"]  # newest first


def test_dead_master_offers_nothing_and_does_not_raise() -> None:
    assert complete("instance info ", FakeCluster(dead=True)) == []


def test_master_that_cannot_even_be_reached_offers_nothing() -> None:
    def no_client() -> FakeCluster:
        raise GanetiError("a TCP master needs ca.pem")

    names = LiveNames(no_client)
    assert names.names("instance") == []


def test_names_are_cached_briefly() -> None:
    cluster, clock = FakeCluster(), Clock()
    names = LiveNames(lambda: cluster, ttl=5.0, clock=clock)
    names.names("instance")
    names.names("instance")
    assert cluster.calls == 1
    clock.now += 6.0
    names.names("instance")
    assert cluster.calls == 2


def test_failures_are_cached_too_so_a_dead_master_is_not_asked_per_keystroke() -> None:
    cluster, clock = FakeCluster(dead=True), Clock()
    names = LiveNames(lambda: cluster, clock=clock)
    assert names.names("node") == [] and names.names("node") == []
    assert cluster.calls == 1


def test_fuzzy_matching_of_live_names() -> None:
    assert complete("instance info wb2") == ["web2.example"]
    assert complete("instance info db") == ["db1.example"]
    assert complete("instance info 1ex")[0] in ("web1.example", "db1.example")


def test_unknown_group_or_command_offers_nothing() -> None:
    assert complete("frobnicate ") == []
    assert complete("instance frobnicate ") == []


def test_help_completes_groups_then_commands() -> None:
    assert "instance" in complete("help ")
    assert "help" not in complete("help ")
    assert complete("help instance li")[:2] == ["list", "list-fields"]  # prefix matches first


@pytest.mark.parametrize(
    "text", ["instance add --disk-template=", 'instance info "we', "node list -o"]
)
def test_odd_input_never_raises(text: str) -> None:
    complete(text)


def test_filter_uuids_are_offered_in_evaluation_order() -> None:
    assert complete("filter delete ") == [
        "0b9d3c11-0000-4000-8000-000000000001", "f2a0c7e4-0000-4000-8000-000000000002",
    ]
    assert complete("gnt-filter info f2") == ["f2a0c7e4-0000-4000-8000-000000000002"]


def test_a_huge_list_of_names_is_cut_to_the_best_matches() -> None:
    from shell.repl.completer import MAX_COMPLETIONS

    class Many(FakeCluster):
        def query(self, kind: str, names: list[str] | None = None, live: bool = False) -> list[dict[str, Any]]:
            return [{"name": f"web{i}.example", "pnode": "node1"} for i in range(3 * MAX_COMPLETIONS)] + [
                {"name": "xweb.example", "pnode": "node1"}]

    offered = complete("instance startup web", Many())
    assert len(offered) == MAX_COMPLETIONS
    assert offered[:2] == ["web0.example", "web1.example"]
    assert complete("instance startup xw", Many()) == ["xweb.example"]
