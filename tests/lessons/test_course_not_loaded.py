"""A site whose course is not loaded yet (a fresh deploy before `make release`): its pages say
so, and only staff are told the command that loads it; a visitor has nothing to run."""

import pytest
from django.urls import reverse

PAGES = ("home", "srm-explorer", "compliance-explorer")


@pytest.mark.parametrize("name", PAGES)
def test_a_visitor_is_told_to_come_back_not_given_a_command(client, db, name):
    page = client.get(reverse(name))
    assert page.status_code == 200
    text = page.content.decode()
    assert "The course is being set up on this site: please come back soon." in text
    assert "load_curriculum" not in text and "make release" not in text


@pytest.mark.parametrize("name", PAGES)
def test_staff_are_told_how_to_load_the_course(client, staff, name):
    client.force_login(staff)
    text = client.get(reverse(name)).content.decode()
    assert "<code>make release</code>" in text
    assert "<code>python manage.py load_curriculum</code>" in text
