"""A value saved for the next process (saved_copy.py): read back only whole, only from files and
directories nobody else can write to, written whole or not at all. (The IAM catalogue's use of
it, with real catalogues, is in test_catalog.py.)"""

from __future__ import annotations

import fcntl
import os
import stat
import threading

import pytest

from srm_trainer.iam import saved_copy

COPY = saved_copy.SavedCopy("thing", b"a test copy\n")
KEY = "0123456789abcdef"
VALUE = {"names": ("a", "b"), "blob": b"\x00\x01", "n": [1, 2.5, None]}


def _same(value):
    return value


@pytest.fixture
def folder(tmp_path):
    directory = tmp_path / "copies"
    directory.mkdir(mode=0o700)
    return directory


def _saved(folder) -> bytes:
    COPY.save(folder, KEY, lambda: VALUE)
    return COPY.path(folder, KEY).read_bytes()


def test_a_saved_value_is_read_back_by_its_key_only(folder):
    nested = folder / "made" / "here"
    COPY.save(nested, KEY, lambda: VALUE)
    assert stat.S_IMODE(nested.stat().st_mode) == 0o700
    path = nested / f"thing-{KEY}.marshal"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert COPY.load(nested, KEY, _same) == VALUE
    assert COPY.load(nested, KEY, lambda v: v["names"]) == ("a", "b")
    assert COPY.load(nested, "another", _same) is None  # no such file
    other = "fedcba9876543210"
    COPY.path(nested, other).write_bytes(path.read_bytes())  # a file under another key's name
    assert COPY.load(nested, other, _same) is None
    assert saved_copy.SavedCopy("thing", b"other magic\n").load(nested, KEY, _same) is None


def test_any_damage_reads_as_nothing(folder):
    """Every truncation, every flipped bit of every byte (magic, key, digest, contents), a byte
    more, and a value the owner cannot turn back."""
    good = _saved(folder)
    path = COPY.path(folder, KEY)
    bad = [good[:n] for n in range(len(good))] + [good + b"\0"]
    for at in range(len(good)):
        for bit in (0x01, 0x80):
            flipped = bytearray(good)
            flipped[at] ^= bit
            bad.append(bytes(flipped))
    for damaged in bad:
        path.write_bytes(damaged)
        assert COPY.load(folder, KEY, _same) is None, damaged
    path.write_bytes(good)
    assert COPY.load(folder, KEY, _same) == VALUE

    def refuse(value):
        raise KeyError("layout")

    assert COPY.load(folder, KEY, refuse) is None


def test_a_copy_others_could_have_written_is_not_read(folder, monkeypatch):
    _saved(folder)
    path = COPY.path(folder, KEY)
    for mode in (0o620, 0o602, 0o666):
        path.chmod(mode)
        assert COPY.load(folder, KEY, _same) is None, oct(mode)
    path.chmod(0o600)
    for mode in (0o720, 0o702, 0o777):
        folder.chmod(mode)
        assert COPY.load(folder, KEY, _same) is None, oct(mode)
    folder.chmod(0o700)
    assert COPY.load(folder, KEY, _same) == VALUE
    real = folder / "real"
    path.rename(real)
    path.symlink_to(real)  # a symbolic link, even to a good copy
    assert COPY.load(folder, KEY, _same) is None
    path.unlink()
    path.mkdir()  # not a regular file
    assert COPY.load(folder, KEY, _same) is None
    path.rmdir()
    os.mkfifo(path, 0o600)  # nor a pipe, even one that holds a good copy's bytes
    held = os.open(path, os.O_RDWR | os.O_NONBLOCK)  # both ends: no one waits
    try:
        os.write(held, real.read_bytes())
        assert COPY.load(folder, KEY, _same) is None
    finally:
        os.close(held)
    # and a pipe nobody writes to is refused at once: a load never waits for a writer
    loaded: list[object] = []
    reader = threading.Thread(
        target=lambda: loaded.append(COPY.load(folder, KEY, _same)), daemon=True
    )
    reader.start()
    reader.join(timeout=10)
    stuck = reader.is_alive()
    if stuck:  # a writer's end opened and closed lets the stuck reader finish
        os.close(os.open(path, os.O_RDWR | os.O_NONBLOCK))
    assert not stuck, "the load waited for a writer on a pipe"
    assert loaded == [None]
    path.unlink()
    real.rename(path)
    assert COPY.load(folder, KEY, _same) == VALUE
    monkeypatch.setattr(os, "geteuid", lambda: path.stat().st_uid + 1)  # another user's files
    assert COPY.load(folder, KEY, _same) is None


def test_nothing_is_written_where_others_could_write(folder):
    folder.chmod(0o777)
    made = []
    COPY.save(folder, KEY, lambda: made.append(1) or VALUE)
    assert made == []
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("held_as", [fcntl.LOCK_EX, fcntl.LOCK_SH], ids=["exclusive", "shared"])
def test_while_another_process_writes_this_one_neither_waits_nor_writes(folder, held_as):
    made = []
    with open(folder / ".lock", "w") as held:
        fcntl.flock(held, held_as)
        COPY.save(folder, KEY, lambda: made.append(1) or VALUE)  # returns at once
    assert made == []  # the value is not even made
    assert sorted(p.name for p in folder.iterdir()) == [".lock"]
    COPY.save(folder, KEY, lambda: made.append(1) or VALUE)
    assert made == [1]
    assert COPY.load(folder, KEY, _same) == VALUE


def test_writing_a_copy_removes_older_copies_and_dead_writers_files_only(folder):
    for old in ("thing-old.marshal", ".thing-abc.tmp", "other-old.marshal", ".other-abc.tmp"):
        (folder / old).write_bytes(b"x")
    (folder / "notes.txt").write_bytes(b"x")
    _saved(folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        ".lock",
        ".other-abc.tmp",
        "notes.txt",
        "other-old.marshal",
        f"thing-{KEY}.marshal",
    ]


def test_a_failed_write_leaves_nothing_half_written(folder, monkeypatch):
    COPY.save(folder, "older", lambda: VALUE)

    def fail(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    COPY.save(folder, KEY, lambda: VALUE)  # no error
    assert sorted(p.name for p in folder.iterdir()) == [".lock", "thing-older.marshal"]
    assert COPY.load(folder, "older", _same) == VALUE


def test_the_directory_is_the_one_the_environment_names(tmp_path, monkeypatch):
    monkeypatch.setenv("SAVED_COPY_TEST_DIR", str(tmp_path))
    assert saved_copy.directory_named_by("SAVED_COPY_TEST_DIR") == tmp_path
    monkeypatch.setenv("SAVED_COPY_TEST_DIR", "")
    assert saved_copy.directory_named_by("SAVED_COPY_TEST_DIR") is None
    monkeypatch.delenv("SAVED_COPY_TEST_DIR")
    assert saved_copy.directory_named_by("SAVED_COPY_TEST_DIR") is None
