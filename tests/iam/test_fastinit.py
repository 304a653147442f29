"""`fast_init`: a frozen dataclass built through its slots' own setters is the same object the
dataclass's own `__init__` builds, and stays frozen."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest

from srm_trainer.iam.case import PolicySlot
from srm_trainer.iam.decision import Reason, Step
from srm_trainer.iam.fastinit import fast_init
from srm_trainer.iam.model import ActionBlock, ActionPattern, Policy


def _shape(decorate):
    @decorate
    @dataclass(frozen=True, slots=True)
    class Shape:
        name: str
        size: int = 3
        tags: list[str] = field(default_factory=list)
        doubled: int = field(init=False, default=0)
        note: str | None = field(default=None, kw_only=True)

        def __post_init__(self) -> None:
            object.__setattr__(self, "doubled", self.size * 2)

    return Shape


Plain = _shape(lambda cls: cls)
Fast = _shape(fast_init)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("a",), {}),
        (("a", 5), {}),
        (("a",), {"size": 7, "tags": ["x"], "note": "n"}),
        ((), {"name": "b", "note": None}),
    ],
)
def test_it_builds_what_the_dataclass_builds(args, kwargs):
    plain, fast = Plain(*args, **kwargs), Fast(*args, **kwargs)
    assert dataclasses.astuple(fast) == dataclasses.astuple(plain)
    assert repr(fast).replace("Shape", "") == repr(plain).replace("Shape", "")
    assert fast == Fast(*args, **kwargs)


def test_a_default_factory_gives_each_object_its_own_value():
    first, second = Fast("a"), Fast("b")
    assert first.tags == [] and first.tags is not second.tags


def test_it_refuses_what_the_dataclass_refuses():
    with pytest.raises(TypeError):
        Fast()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Fast("a", 1, [], "note")  # type: ignore[misc]  # note is keyword-only
    with pytest.raises(TypeError):
        Fast("a", doubled=4)  # type: ignore[call-arg]  # not an __init__ field
    with pytest.raises(dataclasses.FrozenInstanceError):
        Fast("a").size = 4  # type: ignore[misc]


def test_the_engine_objects_stay_frozen_and_replaceable():
    step = Step("identity", "continue")
    assert dataclasses.replace(step, reached=False) == Step("identity", "continue", (), False)
    policy = Policy("identity", None, "2012-10-17", None, ())
    block = ActionBlock(
        (ActionPattern.compile("s3:Get*"), ActionPattern.compile("s3:PutObject")), False
    )
    assert (block.prefixes, block.exact) == (("s3:get",), frozenset({"s3:putobject"}))
    for obj, name in (
        (step, "outcome"),
        (Reason("x"), "code"),
        (policy, "kind"),
        (block, "negated"),
    ):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, name, None)
    slot = PolicySlot("identity", 0, None, policy, "identity_policies[0]")
    assert (slot.kind, slot.policy) == ("identity", policy)
