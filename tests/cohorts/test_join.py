"""Joining by code and by link, rotating the code, leaving and removal, co-instructors."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cohorts import codes, services
from cohorts.models import Cohort, Membership
from lessons.models import Profile
from tests.cohorts.conftest import client_for, make_learner
from tests.conftest import page_queries

pytestmark = pytest.mark.django_db


def _members(cohort) -> set[str]:
    return set(Membership.objects.filter(cohort=cohort).values_list("user__username", flat=True))


def test_a_new_cohort_gets_an_unambiguous_code_that_people_can_type_loosely(owner):
    cohort = services.cohort_create(owner=owner, name="  Autumn  ")
    assert cohort.name == "Autumn"
    assert len(cohort.join_code) == codes.LENGTH
    assert not set(cohort.join_code) & set("0O1IL5S2Z8BUV")
    typed = cohort.code_display.lower().replace("-", " - ")
    assert services.cohort_by_code(typed) == cohort
    assert services.cohort_by_code("") is None
    assert services.cohort_by_code("X" * 400) is None


def test_a_learner_joins_by_typing_the_code(cohort, other_learner):
    client = client_for(other_learner)
    response = client.post(reverse("cohorts:join"), {"code": cohort.code_display.lower()})
    assert response.status_code == 302
    assert _members(cohort) == {"ada", "grace"}
    page = client.get(reverse("cohorts:mine"))
    assert "Spring class" in page.content.decode()


def test_joining_says_instructors_see_the_username_and_where_to_choose_a_name(
    cohort, other_learner
):
    """Where a learner joins, one line and a link to the name shown to their instructors
    (`lessons.shown_names`): nothing more to fill in to join."""
    client = client_for(other_learner)
    mine = client.get(reverse("cohorts:mine")).content.decode()
    assert "Your instructors see you by your username." in mine
    assert f'<a href="{reverse("account_shown_name")}">a name shown to your instructors</a>' in mine
    link = client.get(cohort.join_path()).content.decode()
    assert "They see you by your username: you can add" in link
    assert f'href="{reverse("account_shown_name")}"' in link
    Profile.objects.create(user=other_learner, shown_name="Grace Hopper")
    link = client.get(cohort.join_path()).content.decode()
    assert "chose to show your instructors, “<bdi>Grace Hopper</bdi>”: you can change" in link
    assert client.post(cohort.join_path()).status_code == 302  # joining asks nothing more
    assert _members(cohort) == {"ada", "grace"}


def test_a_wrong_code_says_so_and_joins_nothing(cohort, other_learner):
    response = client_for(other_learner).post(reverse("cohorts:join"), {"code": "ACDE-FGHJ"})
    assert response.status_code == 400
    assert "No cohort has this code" in response.content.decode()
    assert _members(cohort) == {"ada"}


def test_a_learner_joins_by_link_after_confirming(cohort, other_learner):
    client = client_for(other_learner)
    link = cohort.join_path()
    page = client.get(link)
    assert page.status_code == 200 and "Join “Spring class”?" in page.content.decode()
    assert _members(cohort) == {"ada"}  # opening the link changes nothing by itself
    assert client.post(link).status_code == 302
    assert _members(cohort) == {"ada", "grace"}
    again = client.post(link, follow=True)
    assert "already in" in again.content.decode()
    assert Membership.objects.filter(cohort=cohort).count() == 2


def test_anonymous_visitors_sign_in_first_and_come_back_to_the_link(cohort, client):
    link = cohort.join_path()
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert f"next={link}" in response["Location"].replace("%2F", "/")
    assert client.post(reverse("cohorts:join"), {"code": cohort.join_code}).status_code == 302
    assert _members(cohort) == {"ada"}


def test_rotating_the_code_invalidates_the_old_code_and_link(cohort, owner, other_learner):
    old_code, old_link = cohort.join_code, cohort.join_path()
    response = client_for(owner).post(reverse("teach_cohorts:code-rotate", args=[cohort.pk]))
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.join_code != old_code
    client = client_for(other_learner)
    assert client.post(reverse("cohorts:join"), {"code": old_code}).status_code == 400
    assert client.get(old_link).status_code == 404
    assert client.post(old_link).status_code == 404
    assert _members(cohort) == {"ada"}  # those already in stay
    assert client.post(reverse("cohorts:join"), {"code": cohort.join_code}).status_code == 302
    assert _members(cohort) == {"ada", "grace"}


def test_guessing_codes_is_rate_limited(cohort, other_learner, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "join": "3/600"}
    client = client_for(other_learner)
    for _ in range(3):
        assert client.post(reverse("cohorts:join"), {"code": "ACDE-FGHJ"}).status_code == 400
    refused = client.post(reverse("cohorts:join"), {"code": cohort.join_code})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert client.get(cohort.join_path()).status_code == 429  # links count too
    assert _members(cohort) == {"ada"}


def test_a_learner_can_be_in_several_cohorts_and_sees_them_all(cohort, owner, learner):
    other = services.cohort_create(owner=owner, name="Evening class")
    services.cohort_join(cohort=other, user=learner)
    page = client_for(learner).get(reverse("cohorts:mine")).content.decode()
    assert "Spring class" in page and "Evening class" in page


def test_a_learner_leaves_a_cohort(cohort, learner):
    client = client_for(learner)
    page = client.get(reverse("cohorts:mine")).content.decode()
    leave = reverse("cohorts:leave", args=[cohort.pk])
    assert f'<form method="post" action="{leave}"' not in page  # no one-click Leave
    assert f'href="{leave}"' in page
    # Leaving is asked first: work done so far would leave the gradebook for good.
    asked = client.get(leave)
    assert asked.status_code == 200
    text = asked.content.decode()
    assert "Leave “Spring class”?" in text
    assert "only attempts you start after that count" in text
    assert _members(cohort) == {"ada"}
    assert client.post(reverse("cohorts:leave", args=[cohort.pk])).status_code == 302
    assert _members(cohort) == set()
    # A double click on Leave, or Back to the question: not "Page not found", but their
    # cohorts, saying so.
    for again in (client.post(leave, follow=True), client.get(leave, follow=True)):
        assert again.redirect_chain == [(reverse("cohorts:mine"), 302)]
        assert "You are not in that cohort (any more)" in again.content.decode()


def test_an_instructor_removes_a_member(cohort, co_instructor, learner):
    url = reverse("teach_cohorts:member-remove", args=[cohort.pk, learner.pk])
    assert client_for(co_instructor).post(url).status_code == 302
    assert _members(cohort) == set()
    # A double click on Remove (or Back to its question): the people page, saying so.
    people = reverse("teach_cohorts:people", args=[cohort.pk])
    client = client_for(co_instructor)
    for again in (client.post(url, follow=True), client.get(url, follow=True)):
        assert again.redirect_chain == [(people, 302)]
        assert "That learner is not in this cohort (any more)." in again.content.decode()


def test_instructors_of_a_cohort_cannot_join_it_as_learners(cohort, owner, co_instructor):
    for user in (owner, co_instructor):
        with pytest.raises(services.CohortError, match="You teach this cohort"):
            services.cohort_join(cohort=cohort, user=user)


def test_the_owner_adds_and_removes_co_instructors(cohort, owner, other_instructor):
    client = client_for(owner)
    client.post(reverse("teach_cohorts:instructor-add", args=[cohort.pk]), {"username": "otto"})
    assert set(cohort.co_instructors.values_list("username", flat=True)) == {"colm", "otto"}
    assert client_for(other_instructor).get(cohort.get_absolute_url()).status_code == 200
    url = reverse("teach_cohorts:instructor-remove", args=[cohort.pk, other_instructor.pk])
    assert "otto no longer teaches this cohort." in _said(client.post(url, follow=True).content)
    assert client_for(other_instructor).get(cohort.get_absolute_url()).status_code == 404
    # Sent again (a double click, a tab drawn before): nobody was taken off, and it says so.
    again = _said(client.post(url, follow=True).content)
    assert "That instructor does not teach this cohort (removed already?)." in again
    assert "no longer teaches" not in again


def test_only_instructors_can_co_teach(cohort, learner, other_learner):
    for name in ("grace", "ada", "nobody"):
        with pytest.raises(services.CohortError):
            services.co_instructor_add(cohort=cohort, username=name)
    make_learner("hal")
    with pytest.raises(services.CohortError, match="hal is not an instructor here"):
        services.co_instructor_add(cohort=cohort, username="hal")


def test_a_co_instructor_manages_the_cohort_but_not_who_teaches_it(cohort, co_instructor):
    client = client_for(co_instructor)
    assert client.get(cohort.get_absolute_url()).status_code == 200
    assert client.post(reverse("teach_cohorts:code-rotate", args=[cohort.pk])).status_code == 302
    add = reverse("teach_cohorts:instructor-add", args=[cohort.pk])
    assert client.post(add, {"username": "otto"}).status_code == 403


def test_the_cohort_list_shows_only_cohorts_you_teach(
    cohort, owner, co_instructor, other_instructor
):
    services.cohort_create(owner=other_instructor, name="Otto's class")
    theirs = client_for(co_instructor).get("/teach/cohorts/", follow=True)  # to its ?once=
    assert "Spring class" in theirs.content.decode()
    mine = client_for(owner).get("/teach/cohorts/", follow=True).content.decode()
    assert "Otto's class" not in mine
    response = client_for(owner).post("/teach/cohorts/", {"name": "Night class"})
    created = Cohort.objects.get(name="Night class")
    assert response["Location"] == reverse("teach_cohorts:people", args=[created.pk])
    assert created.owner == owner


def test_removing_a_learner_asks_first_and_says_what_goes(cohort, co_instructor, learner):
    """A stray click on "Remove" must not take a learner out: their extensions go, and a
    learner who joins again counts only the attempts started after that."""
    url = reverse("teach_cohorts:member-remove", args=[cohort.pk, learner.pk])
    client = client_for(co_instructor)
    people = client.get(reverse("teach_cohorts:people", args=[cohort.pk])).content.decode()
    assert f'href="{url}"' in people  # a link to the question, not a button that removes
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Remove {learner.get_username()} from {cohort.name}?" in text
    assert "only attempts they start after that count" in text
    assert _members(cohort) == {learner.get_username()}


def test_one_instructor_cannot_make_two_cohorts_of_one_name(owner, other_instructor):
    """Two cohorts called "Autumn" could not be told apart in the assignment and statistics
    menus, nor by a learner joining; another instructor may use the name."""
    from srm_trainer import once

    services.cohort_create(owner=owner, name="Autumn")
    with pytest.raises(services.CohortError, match="You already have a cohort called “autumn”"):
        services.cohort_create(owner=owner, name=" autumn ")
    assert services.cohort_create(owner=other_instructor, name="Autumn").owner == other_instructor

    sent = {"name": "AUTUMN", "once": once.new_token()}
    page = client_for(owner).post(reverse("teach_cohorts:list"), sent).content.decode()
    assert "You already have a cohort called “AUTUMN”" in page
    assert 'value="AUTUMN"' in page  # kept as typed, to change
    assert Cohort.objects.filter(owner=owner).count() == 1
    renamed = {**sent, "name": "Autumn, evening group"}  # the same page, sent again
    client_for(owner).post(reverse("teach_cohorts:list"), renamed)
    assert Cohort.objects.filter(owner=owner, name="Autumn, evening group").exists()


def _sign_in_page(client, link: str) -> str:
    """What a signed-out visitor following `link` meets: the sign-in page it sends them to."""
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    page = client.get(response["Location"])
    assert page.status_code == 200 and "<h1>Sign in</h1>" in page.content.decode()
    return page.content.decode()


def test_a_signed_out_visitor_is_told_which_cohort_they_sign_in_to_join(cohort, client):
    text = _sign_in_page(client, cohort.join_path())
    assert "to join the cohort <strong>“Spring class”</strong> (ines's)" in text
    signup = re.search(r'href="(/accounts/signup/[^"]*)"', text)
    assert signup is not None  # Create an account keeps the link, and says so too
    assert "“Spring class”" in client.get(unescape(signup.group(1))).content.decode()
    # A wrong password keeps the page saying it (the form sends the link back as `next`).
    again = client.post(
        reverse("account_login"),
        {"login": "ada", "password": "wrong-passphrase", "next": cohort.join_path()},
    )
    assert "“Spring class”" in again.content.decode()


def test_under_a_script_prefix_the_sign_in_page_names_the_cohort_too(cohort, client, script_prefix):
    """A site served under a prefix sends the link as `next` with it (`/srm/join/…/`), which
    was taken for no join link: the sign-in page did not say which cohort."""
    link = cohort.join_path()  # with the prefix, as the page's links name it
    assert link.startswith(f"{script_prefix}/join/")
    response = client.get(link.removeprefix(script_prefix), SCRIPT_NAME=script_prefix)
    assert response.status_code == 302
    page = client.get(
        reverse("account_login").removeprefix(script_prefix),
        {"next": link},
        SCRIPT_NAME=script_prefix,
    ).content.decode()
    assert "to join the cohort <strong>“Spring class”</strong> (ines's)" in page


def test_a_wrong_rotated_or_archived_code_meets_the_plain_sign_in_page(cohort, owner, client):
    """The sign-in page names a cohort only for a code that admits learners, found by the
    (rate-limited) link: a wrong code learns nothing there, nor does a `next` typed by hand."""
    for link in ("/join/ACDEFGHJ/", "/join/not-a-code/"):
        assert "to join the cohort" not in _sign_in_page(client, link)
    old = cohort.join_path()
    _sign_in_page(client, old)
    services.code_rotate(cohort=cohort)
    login = reverse("account_login")
    assert "to join the cohort" not in client.get(f"{login}?next={old}").content.decode()
    fresh = Client()  # never opened the link: the page looks nothing up from its address
    assert "to join" not in fresh.get(f"{login}?next={cohort.join_path()}").content.decode()
    services.cohort_archive(cohort=cohort)
    assert "to join the cohort" not in _sign_in_page(client, cohort.join_path())


def test_signed_out_link_openings_count_against_the_join_limit(cohort, client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "join": "2/600"}
    for _ in range(2):
        assert client.get("/join/ACDEFGHJ/").status_code == 302
    assert client.get(cohort.join_path()).status_code == 429


def test_the_link_opened_by_its_instructor_or_a_member_asks_nothing(
    cohort, owner, co_instructor, learner
):
    """An instructor trying their own link was asked "Join “Spring class”?" with a button that
    then refused them; a learner already in was asked it too. Each is told where they stand."""
    url = reverse("cohorts:join-link", args=[cohort.join_code])
    gradebook = reverse("teach_cohorts:gradebook", args=[cohort.pk])
    for teacher in (owner, co_instructor):
        page = unescape(client_for(teacher).get(url).content.decode())
        assert "<h1>You teach “Spring class”</h1>" in page
        assert "Join the cohort</button>" not in page and "Join “Spring class”?" not in page
        assert f'href="{gradebook}"' in page
    page = unescape(client_for(learner).get(url).content.decode())
    assert "<h1>You are in “Spring class”</h1>" in page
    assert "Join the cohort</button>" not in page and "Join “Spring class”?" not in page
    assert f'href="{reverse("home")}"' in page


def test_the_join_link_has_a_copy_button_shown_only_where_it_works(cohort, owner):
    """On a phone the link is cut off in its box (a real domain and the code run past 310 px)
    and a read-only box's text is fiddly to select: the labs' "Copy link" button copies it.
    Without JavaScript the button would do nothing, so it is drawn hidden and the script
    (static/js/copy-link.js) shows it."""
    for name in ("teach_cohorts:gradebook", "teach_cohorts:people"):
        body = client_for(owner).get(reverse(name, args=[cohort.pk])).content.decode()
        assert re.search(r'<button type="button"[^>]*data-copy="#join-link"[^>]*hidden', body)
        assert "js/copy-link.js" in body
    script = (Path(settings.BASE_DIR) / "static" / "js" / "copy-link.js").read_text()
    assert "[data-copy][hidden]" in script


def test_a_code_pasted_with_unicode_dashes_or_spaces_or_typed_full_width_joins(
    cohort, other_learner
):
    """A code pasted from a chat or a document may carry an en dash, a minus sign or a
    no-break space; a phone's or a Japanese keyboard's full-width letters are the same code.
    Each was "No cohort has this code" (only the ASCII dash and space were taken out)."""
    code = cohort.join_code
    fullwidth = "".join(chr(ord(ch) + 0xFEE0) for ch in code)
    for typed in (
        f"{code[:4]}\u2013{code[4:]}",  # en dash
        f"{code[:4]}\u2212{code[4:]}",  # minus sign
        f"\u00a0{code[:4]}\u2003{code[4:]}\u200b",  # no-break and em spaces, zero width
        fullwidth.lower(),
        f"Join code: {code[:4]}-{code[4:]}",  # copied with its label (it said "that has 17")
        f"code：{code}",  # a full-width colon folds to ":" too
    ):
        assert services.cohort_by_code(typed) == cohort, repr(typed)
    client = client_for(other_learner)
    sent = client.post(reverse("cohorts:join"), {"code": f"{code[:4]}\u2013{code[4:]}"})
    assert sent.status_code == 302 and other_learner.username in _members(cohort)


def test_a_code_that_cannot_be_one_says_what_is_wrong_with_it(cohort, other_learner):
    """A character short, or a 0 misread from a projector, said "No cohort has this code",
    as for a code changed since: the learner asked their instructor about a typo. The words
    say what is wrong; a code of the right shape that is no cohort's is said as before."""
    client = client_for(other_learner)

    def refusal(typed: str) -> str:
        page = client.post(reverse("cohorts:join"), {"code": typed})
        assert page.status_code == 400
        return " ".join(unescape(page.content.decode()).split())

    short = refusal(cohort.code_display[:-1])
    assert "A join code has 8 letters and digits (such as ACDE-FGHJ); that has 7." in short
    looks_alike = refusal("0" + cohort.join_code[1:])
    assert "A join code never has 0: codes leave out characters that look alike" in looks_alike
    pasted = refusal(
        "Hello all, the join code for our Spring class this term is " + cohort.code_display
    )
    assert "type or paste the code alone" in pasted and "Ensure this value" not in pasted
    assert "No cohort has this code" in refusal(
        "ACDE-FGHJ" if cohort.join_code != "ACDEFGHJ" else "ACDE-FGHK"
    )
    assert other_learner.username not in _members(cohort)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        (
            "ZZZZ-1234 <b>",
            "that has 9 letters and digits, and also “<” and “>”, which are neither letters "
            "nor digits.",
        ),
        ("ACDE-FGH;J", "that also has “;”, which is neither a letter nor a digit."),
    ],
)
def test_a_code_with_characters_no_code_has_is_counted_in_letters_and_digits(
    cohort, other_learner, typed, says
):
    """The message counts letters and digits, so it counted only those: "ZZZZ-1234 <b>" was
    told "that has 11", its < and > among them. What is neither is named as such."""
    page = client_for(other_learner).post(reverse("cohorts:join"), {"code": typed})
    assert page.status_code == 400
    words = " ".join(unescape(page.content.decode()).split())
    assert (
        "A join code has 8 letters and digits (such as ACDE-FGHJ) and nothing else; " + says
    ) in words
    assert "that has 11" not in words
    assert other_learner.username not in _members(cohort)


def test_a_learner_removed_or_gone_who_joins_again_is_told_only_later_attempts_count(
    cohort, co_instructor, learner, other_learner
):
    """The instructor's removal question says their earlier work would no longer count; the
    learner joining again was told only "You joined": their results seemed lost unsaid. The
    link asks saying so, and so does the message after joining, by code or by link; someone
    joining for the first time is told neither."""
    client_for(co_instructor).post(
        reverse("teach_cohorts:member-remove", args=[cohort.pk, learner.pk])
    )
    client = client_for(learner)
    link = reverse("cohorts:join-link", args=[cohort.join_code])
    asked = " ".join(unescape(client.get(link).content.decode()).split())
    assert "You were in it before: joining again, only attempts you start from now count" in asked
    joined = client.post(reverse("cohorts:join"), {"code": cohort.join_code}, follow=True)
    text = " ".join(unescape(joined.content.decode()).split())
    assert "You joined “Spring class” again." in text
    assert "only attempts you start from now count for it" in text
    client.post(reverse("cohorts:leave", args=[cohort.pk]))  # left by themselves this time
    joined = client.post(link, follow=True)
    assert "again." in unescape(joined.content.decode())
    newcomer = client_for(other_learner)
    first = " ".join(unescape(newcomer.get(link).content.decode()).split())
    assert "You were in it before" not in first
    joined = newcomer.post(link, follow=True)
    assert "You joined “Spring class”. Its assigned work" in unescape(joined.content.decode())


def test_a_co_instructor_is_found_by_their_username_in_any_case(cohort, owner, other_instructor):
    """Signing in ignores a username's case, so "OTTO" is otto: it was "No account is called
    “OTTO”"."""
    client = client_for(owner)
    add = reverse("teach_cohorts:instructor-add", args=[cohort.pk])
    response = client.post(add, {"username": "OTTO"}, follow=True)
    assert "otto now teaches this cohort with you." in response.content.decode()
    assert cohort.co_instructors.filter(pk=other_instructor.pk).exists()


def test_adding_a_co_instructor_again_says_they_teach_it_already(cohort, owner, co_instructor):
    """It said "colm now teaches this cohort with you." of one who already did."""
    client = client_for(owner)
    add = reverse("teach_cohorts:instructor-add", args=[cohort.pk])
    page = client.post(add, {"username": "colm"}).content.decode()
    assert "colm teaches this cohort with you already." in page
    assert "now teaches" not in page


def _said(page: str | bytes) -> str:
    text = page.decode() if isinstance(page, bytes) else page
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_the_cohorts_page_names_every_instructor_of_each_cohort_in_one_query(
    cohort, owner, co_instructor, other_instructor, learner
):
    """The learner's Cohorts page said "with ines" of a class colm co-teaches, when joining
    and leaving name both. Each cohort names its own, current and past, asked for all of
    them at once: a cohort more costs no query more."""
    other = services.cohort_create(owner=other_instructor, name="Autumn class")
    services.cohort_join(cohort=other, user=learner)
    services.cohort_archive(cohort=other)
    client = client_for(learner)
    mine = reverse("cohorts:mine")
    queries, page = page_queries(client, mine, warm=True)
    said = _said(page)
    assert "Spring class with ines and colm ·" in said
    assert "Autumn class Archived with otto ·" in said
    third = services.cohort_create(owner=owner, name="Summer class")
    third.co_instructors.add(co_instructor, other_instructor)
    services.cohort_join(cohort=third, user=learner)
    more, page = page_queries(client, mine)
    assert "Summer class with ines, colm and otto ·" in _said(page)
    assert more == queries


def test_joining_and_leaving_name_every_instructor_who_sees_the_results(
    cohort, owner, other_instructor, learner, other_learner
):
    """A learner agrees to be seen by the people the question names: the co-instructors read
    the gradebook too, and the pages named the owner alone ("Your instructor (ines)")."""
    link = cohort.join_path()
    said = _said(client_for(other_learner).get(link).content.decode())
    assert "Its instructors (ines and colm) will see your results" in said
    leave = reverse("cohorts:leave", args=[cohort.pk])
    assert "ines and colm stop seeing your work in this cohort" in _said(
        client_for(learner).get(leave).content.decode()
    )
    cohort.co_instructors.add(other_instructor)
    assert "Its instructors (ines, colm and otto) will see" in _said(
        client_for(other_learner).get(link).content.decode()
    )
    cohort.co_instructors.clear()
    assert "Your instructor (ines) will see your results" in _said(
        client_for(other_learner).get(link).content.decode()
    )
    services.cohort_archive(cohort=cohort)
    assert "If you leave, ines stops seeing your work in its gradebook" in _said(
        client_for(learner).get(leave).content.decode()
    )
