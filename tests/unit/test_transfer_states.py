"""Every workflow is a state machine: allowed moves go where the table says, everything else is refused in Chinese."""

from __future__ import annotations

import pytest

from innopoints.transfer.states import (
    ACHIEVEMENT,
    ASSIGNMENT,
    CHALLENGE,
    CONTRACT,
    MACHINES,
    ORDER,
    Machine,
    TransitionError,
)


@pytest.mark.parametrize(
    ("machine", "path", "final"),
    [
        (ORDER, ["accept", "start", "deliver"], "delivered"),
        (ORDER, ["reject"], "rejected"),
        (ORDER, ["accept", "cancel"], "cancelled"),
        (ASSIGNMENT, ["negotiate", "sign"], "signed"),
        (ASSIGNMENT, ["terminate"], "terminated"),
        (CHALLENGE, ["review", "select", "publish", "award", "complete"], "completed"),
        (CHALLENGE, ["review", "reject"], "rejected"),
        (CONTRACT, ["refuse"], "refused"),
        (ACHIEVEMENT, ["publish", "negotiate", "reopen", "negotiate", "complete"], "transferred"),
    ],
)
def test_allowed_paths(machine: Machine, path: list[str], final: str) -> None:
    state = next(iter(machine.states))
    for action in path:
        state = machine.next(state, action)
    assert state == final


@pytest.mark.parametrize(
    ("machine", "state", "action", "message"),
    [
        (
            ORDER,
            "submitted",
            "deliver",
            "服务订单当前状态为“已提交”，不能执行“交付”；当前可执行：受理、不予受理、取消",
        ),
        (ORDER, "delivered", "cancel", "当前可执行：无（已是终态）"),
        (ORDER, "in_service", "cancel", "不能执行“取消”"),
        (ASSIGNMENT, "docking", "sign", "经纪人对接当前状态为“对接”，不能执行“签约”"),
        (CHALLENGE, "submitted", "publish", "不能执行“发榜”"),
        (CHALLENGE, "rejected", "publish", "已是终态"),
        (CONTRACT, "registered", "refuse", "技术合同当前状态为“已登记”，不能执行“不予登记”"),
        (CONTRACT, "refused", "register", "不能执行“予以登记”"),
        (ACHIEVEMENT, "transferred", "withdraw", "已是终态"),
    ],
)
def test_invalid_transitions_are_refused(machine: Machine, state: str, action: str, message: str) -> None:
    with pytest.raises(TransitionError, match=message):
        machine.next(state, action)


def test_unknown_action_lists_the_actions() -> None:
    with pytest.raises(TransitionError, match=r"不支持操作“ship”.*accept（受理）"):
        ORDER.next("submitted", "ship")


def test_every_machine_is_consistent() -> None:
    for name, machine in MACHINES.items():
        reachable = {next(iter(machine.states))}
        frontier = list(reachable)
        while frontier:
            s = frontier.pop()
            for a in machine.allowed(s):
                t = machine.next(s, a)
                if t not in reachable:
                    reachable.add(t)
                    frontier.append(t)
        assert reachable == set(machine.states), name
        assert all(machine.actions[a] for a in machine.actions)


def test_a_bad_table_fails_at_definition() -> None:
    with pytest.raises(ValueError, match="bad move"):
        Machine("x", {"a": "甲"}, {"go": "走"}, {("a", "go"): "b"})
