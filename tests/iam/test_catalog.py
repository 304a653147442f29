"""The action catalogue: what the linter and the sandbox's autocompletion rely on."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import time

import pytest

from srm_trainer.iam import catalog


def test_known_services_and_actions_ignore_case():
    assert catalog.is_known_service("s3")
    assert catalog.is_known_service("S3")
    assert not catalog.is_known_service("s4")
    assert catalog.is_known_action("s3:GetObject")
    assert catalog.is_known_action("S3:getobject")
    assert catalog.is_known_action("iam:CreateUser")
    assert not catalog.is_known_action("s3:GetObjekt")
    assert not catalog.is_known_action("s4:GetObject")


@pytest.mark.parametrize("text", ["", "s3", "s3:", ":GetObject", "s3:Get*", "*"])
def test_malformed_or_wildcard_text_is_not_an_action(text):
    assert not catalog.is_known_action(text)


def test_canonical_spelling():
    assert catalog.canonical_action("S3:getobject") == "s3:GetObject"
    assert catalog.canonical_action("s3:nope") is None


def test_services_and_actions_for_autocompletion():
    prefixes = catalog.services()
    assert prefixes == sorted(prefixes)
    assert {"s3", "iam", "ec2", "sts", "kms"} <= set(prefixes)
    s3 = catalog.actions("s3")
    assert "s3:GetObject" in s3 and "s3:ListBucket" in s3
    assert all(a.startswith("s3:") for a in s3)
    assert catalog.actions("S3") == s3
    assert catalog.actions("nope") == []
    assert catalog.service_name("s3") == "Amazon S3"


def test_suggest_near_misses_in_the_same_service():
    assert catalog.suggest("s3:GetObjekt")[0] == "s3:GetObject"
    assert catalog.suggest("iam:CreateUsr")[0] == "iam:CreateUser"
    assert catalog.suggest("ec2:DescribeInstance")[0] == "ec2:DescribeInstances"


def test_suggest_offers_real_list_actions_for_a_made_up_one():
    # S3 has no ListObjects action (ListBucket covers it): offer S3's real List… actions.
    found = catalog.suggest("s3:listObject")
    assert found, "expected suggestions"
    assert all(catalog.is_known_action(a) for a in found)
    assert all(a.startswith("s3:List") for a in found)
    assert "s3:ListBucket" in catalog.suggest("s3:listObject", limit=5)


def test_suggest_a_mistyped_service_keeps_the_action():
    assert catalog.suggest("s4:GetObject")[0] == "s3:GetObject"
    assert catalog.suggest("ec:DescribeInstances")[0] == "ec2:DescribeInstances"


def test_suggest_respects_limit():
    assert len(catalog.suggest("s3:Get", limit=2)) <= 2
    assert catalog.suggest("s3:Get", limit=0) == []


def test_expand_service_wildcard():
    got = catalog.expand("s3:Get*")
    assert "s3:GetObject" in got and "s3:GetBucketPolicy" in got
    assert all(a.startswith("s3:Get") for a in got)
    assert got == sorted(got)
    assert catalog.expand("S3:GET*") == got  # actions match case-insensitively


def test_expand_star_forms():
    everything = catalog.expand("*")
    s3_all = catalog.expand("s3:*")
    assert len(everything) > 10_000
    assert set(s3_all) == set(catalog.actions("s3"))
    assert set(s3_all) < set(everything)


def test_expand_question_mark_and_inner_wildcards():
    assert catalog.expand("s3:GetObjec?") == ["s3:GetObject"]
    assert "iam:CreateUser" in catalog.expand("iam:*User*")
    assert "iam:CreateRole" not in catalog.expand("iam:*User*")
    # a wildcard in the service part covers several services
    got = catalog.expand("s3*:GetObject")
    assert "s3:GetObject" in got and "s3-object-lambda:GetObject" in got


def test_expand_exact_and_unmatched():
    assert catalog.expand("s3:getobject") == ["s3:GetObject"]
    assert catalog.expand("s3:Nothing*") == []
    assert catalog.expand("nope:*") == []
    assert catalog.expand("") == []


def test_access_levels():
    assert catalog.access_level("s3:GetObject") == "Read"
    assert catalog.access_level("s3:ListBucket") == "List"
    assert catalog.access_level("s3:PutObject") == "Write"
    assert catalog.access_level("iam:AttachUserPolicy") == "Permissions management"
    assert catalog.access_level("s3:PutObjectTagging") == "Tagging"
    assert catalog.access_level("s3:Nope") is None


def test_resource_types_and_arn_formats():
    kinds = {rt.name: rt for rt in catalog.resource_types("s3:GetObject")}
    assert "object" in kinds
    assert kinds["object"].arn == "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    assert "arn:${Partition}:s3:::${BucketName}/${ObjectName}" in catalog.arn_formats(
        "s3:GetObject"
    )
    # ListAllMyBuckets takes no resource: only "*" fits
    assert catalog.resource_types("s3:ListAllMyBuckets") == []
    assert catalog.arn_formats("nope:Nope") == []


def test_condition_keys_of_an_action():
    keys = catalog.condition_keys("s3:GetObject")
    assert "s3:ExistingObjectTag/<key>" in keys  # the action's own key
    assert "s3:BucketTag/${TagKey}" in keys  # from the object resource type
    assert len(keys) == len(set(keys))
    assert "s3:x-amz-acl" in catalog.service_condition_keys("s3")
    assert catalog.service_condition_keys("nope") == []


def test_condition_key_types_cover_global_and_templated_keys():
    assert catalog.condition_key_type("aws:SourceIp") == ("IPAddress",)
    assert catalog.condition_key_type("AWS:SOURCEIP") == ("IPAddress",)
    assert catalog.condition_key_type("aws:username") == ("String",)
    assert catalog.condition_key_type("aws:CurrentTime") == ("Date",)
    assert catalog.condition_key_type("aws:MultiFactorAuthPresent") == ("Bool",)
    assert catalog.condition_key_type("aws:ResourceTag/team") == ("String",)
    assert catalog.condition_key_type("aws:ResourceTag/") is None  # the tag key is missing
    assert catalog.condition_key_type("s3:max-keys") == ("Numeric",)
    assert catalog.condition_key_type("kms:EncryptionContext:purpose") == ("String",)
    assert catalog.condition_key_type("aws:NoSuchKey") is None


def test_loaded_once_even_under_concurrency(monkeypatch):
    """Eight threads ask for the catalogue at once: one build, shared by all. The build is held
    open until every thread has asked (so without the lock each would build its own, as when a
    real 0.2 s parse overlapped them); a stand-in file and build, so no real parse is paid for,
    and the real catalogue is put back afterwards."""
    monkeypatch.setattr(catalog, "_catalog", None)
    monkeypatch.setattr(
        catalog, "_data_file", lambda: type("F", (), {"read_bytes": lambda s: b"{}"})()
    )
    counted = threading.Lock()
    asked = [0]
    everyone_asked = threading.Event()
    builds = []

    def build(raw):
        builds.append(raw)
        assert everyone_asked.wait(timeout=10)  # every thread has called _load
        time.sleep(0.05)  # and has gone on to the lock (or, without it, into a build of its own)
        return object()

    monkeypatch.setattr(catalog, "_build", build)
    seen = []

    def worker():
        with counted:
            asked[0] += 1
            if asked[0] == 8:
                everyone_asked.set()
        seen.append(catalog._load())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8
    assert len({id(c) for c in seen}) == 1
    assert len(builds) == 1


def test_nothing_is_loaded_at_import():
    code = (
        "import sys, srm_trainer.iam.catalog as c\n"
        "assert c._catalog is None\n"
        "assert 'policy_sentry.shared.iam_data' not in sys.modules\n"
        "c.is_known_action('s3:GetObject')\n"
        "assert c._catalog is not None\n"
        "assert 'policy_sentry.shared.iam_data' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 - our own code


def test_the_collector_is_paused_for_a_catalogue_build_and_left_as_it_was():
    assert gc.isenabled()
    with catalog._collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with catalog._collector_paused():
            pass
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()
    with pytest.raises(ValueError), catalog._collector_paused():
        raise ValueError
    assert gc.isenabled()
