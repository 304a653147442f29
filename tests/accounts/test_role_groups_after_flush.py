"""The role groups survive `flush` (which empties every table): tests that commit, and any
database reset, would otherwise leave `make_instructor` with no group to put people in."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from srm_trainer.accounts.roles import INSTRUCTORS, ROLE_GROUPS, ensure_role_groups


@pytest.mark.django_db(transaction=True)
def test_flush_keeps_the_role_groups_with_their_grants():
    before = {
        name: set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        for name in ROLE_GROUPS
    }
    call_command("flush", interactive=False, verbosity=0)
    after = {
        name: set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        for name in ROLE_GROUPS
    }
    assert after == before and "change_question" in after[INSTRUCTORS]
    assert "change_lesson" in after["Content editors"]


@pytest.mark.django_db
def test_an_existing_group_is_left_as_an_admin_made_it():
    group = Group.objects.get(name=INSTRUCTORS)
    group.permissions.clear()
    ensure_role_groups()
    assert not group.permissions.exists()
