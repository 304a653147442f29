"""The shipped "fix the network rules" questions (`flow_fix` in lessons/content/quizzes/*.yaml)
ask for something that needs doing: every flow a challenge says to block gets in when the
question starts. A must-block flow the starting rules already refuse asks nothing of the
learner, and the prompt that called it open was wrong (dos-fix-ephemeral-ports said SSH was
open to the internet while its network ACL already refused port 22)."""

from __future__ import annotations

import pytest

from srm_trainer.netlab import parse_flow, parse_network, trace
from tests.curriculum.shipped_quizzes import shipped_quizzes

SHIPPED = [q for q in shipped_quizzes(check_cases=False).questions if q.type == "flow_fix"]


def test_the_shipped_fix_questions_are_here():
    assert {"dos-fix-ephemeral-ports", "dos-fix-db-tier", "dos-fix-block-attacker"} <= {
        q.slug for q in SHIPPED
    }


@pytest.mark.parametrize("shipped", SHIPPED, ids=lambda q: q.slug)
def test_every_flow_to_block_gets_in_at_the_start(shipped):
    challenge = shipped.data["challenge"]
    network = parse_network(challenge["network"])
    for flow in challenge["must_block"]:
        result = trace(network, parse_flow(flow))
        assert result.request == "allowed", (
            f"{shipped.slug}: {flow} is already blocked at "
            f"{result.blocked_at and result.blocked_at.detail}"
        )
