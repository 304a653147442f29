"""The least-privilege editor's principal is an IAM identity's ARN (the engine's
`parse_caller`, FORMAT.md's `request.principal`): a bare name such as `alice`, or a caller no
identity policy applies to (a service, anyone), is refused beside the field with an example of
what is accepted, and the page keeps what was typed."""

from __future__ import annotations

import pytest

from quizzes.models import Question
from tests.teach.formdata import form_fields, text
from tests.teach.test_engine_editors import ALLOW_ROWS, DENY_ROWS, challenge_form
from tests.teach.test_network_editors import error_beside

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "principal", ["alice", "user/alice", "arn:aws:s3:::reports", "s3.amazonaws.com", "*"]
)
@pytest.mark.parametrize("action", ["save", "check"])
def test_a_principal_that_is_not_an_identity_arn_is_refused_beside_it(
    teacher, owned, principal, action
):
    url, data = challenge_form(teacher, owned[0], ALLOW_ROWS, DENY_ROWS, action=action)
    before = Question.objects.count()
    response = teacher.post(url, data | {"k-principal": principal})
    assert response.status_code == 200
    said = " ".join(error_beside(response, "k-principal"))
    assert f"{principal!r} is not an IAM identity's ARN" in said
    assert "such as arn:aws:iam::111122223333:user/alice" in said
    assert Question.objects.count() == before
    assert form_fields(response.content.decode())["k-principal"] == principal


@pytest.mark.parametrize(
    "principal",
    [
        "arn:aws:iam::111122223333:user/alice",
        "arn:aws:iam::111122223333:role/Deployer",
        "arn:aws:sts::111122223333:assumed-role/Deployer/ci",
        "arn:aws:sts::111122223333:federated-user/bob",
        "arn:aws:iam::111122223333:root",
    ],
)
def test_every_identity_the_engine_grades_is_accepted(teacher, owned, principal):
    """(A federated user's session, with no session policy, and an account's root are graded
    too: the reference's check then says what the engine decides, not the principal's field.)"""
    url, data = challenge_form(teacher, owned[0], ALLOW_ROWS, DENY_ROWS)
    response = teacher.post(url, data | {"k-principal": principal})
    assert "is not an IAM identity's ARN" not in text(response)
    if ":user/" in principal or ":role/" in principal or "assumed-role" in principal:
        assert response.status_code == 302
        saved = Question.objects.get(type="least_privilege")
        assert saved.data["challenge"]["principal"] == principal
