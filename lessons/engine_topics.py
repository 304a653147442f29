"""Where the engine's topics are taught: each `srm_trainer.iam.reasons.Topic` → its lesson.

The engine names what a reason or finding is about and holds no addresses; the links are made
here, on the website side, with `reverse()`, so a lesson's address lives only in the URLconf
and the curriculum (`lessons/content/<module>/NN-<lesson>.md`). A test holds every topic to a
lesson file that exists.
"""

from __future__ import annotations

from django.urls import reverse

from srm_trainer.iam.reasons import Topic
from srm_trainer.iam.words import reason_topic

# topic → (module slug, lesson slug)
TOPIC_LESSONS: dict[Topic, tuple[str, str]] = {
    Topic.POLICY_EVALUATION: ("iam", "policy-evaluation"),
    Topic.POLICIES: ("iam", "policies"),
    Topic.CONDITIONS: ("iam", "conditions-and-variables"),
    Topic.SCPS: ("organizations", "service-control-policies"),
    Topic.ROLES: ("iam", "roles"),
    Topic.ROOT_USER: ("iam", "root-user"),
    Topic.LEAST_PRIVILEGE: ("iam", "least-privilege"),
    Topic.MFA: ("iam", "mfa"),
}


def lesson_url(topic: Topic | str | None) -> str:
    """The lesson page for a topic ("" for none or one this site does not teach)."""
    if topic is None:
        return ""
    try:
        module, lesson = TOPIC_LESSONS[Topic(topic)]
    except (ValueError, KeyError):
        return ""
    return reverse("lesson", args=[module, lesson])


def reason_lesson_url(code: str) -> str:
    """The lesson that teaches the rule behind one of the engine's reason codes."""
    return lesson_url(reason_topic(code))
