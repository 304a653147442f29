"""Save and load one marshal-able value under a key, safely: a copy kept between processes.

Something slow to build and the same in every process (the IAM catalogue) can be built once,
saved with `marshal` (C speed both ways) and read by the next process. The owner says what the
value depends on by its key (a hash: the next process computes the same one or reads nothing)
and turns the loaded containers back into its objects; this module only keeps the file:

- Trusted only if whole and private. `marshal` runs no code but is not made for hostile bytes,
  so a file is parsed only from a directory and a file this user owns and nobody else can write
  to, the file no symbolic link and nothing but a regular file, and only after its magic, its
  key and a SHA-256 of its contents stored in its header are checked: a truncated or damaged
  copy is never parsed. Anything else (missing, unsafe, damaged, or a value the owner cannot
  turn back) reads as nothing, and the owner builds it afresh, which always works.
- Written atomically: a temporary file renamed into place, so a reader sees a whole copy or
  none, by the one process holding the directory's ``.lock``; another that missed too goes on
  without waiting (and without writing). The value is made only once the lock is held.
- Kept alone: writing a copy removes the older ones (other keys) and the temporary files of
  writers that died. A failure to write (a read-only directory, a full disk) leaves nothing
  half-written and is not an error: there is just no copy next time.

The header frames the file (magic, key, digest), so a change here that frames it differently
makes old copies fail the checks and be rewritten: the owner's key need not cover this module.
"""

from __future__ import annotations

import fcntl
import hashlib
import marshal
import os
import stat
import tempfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["SavedCopy", "directory_named_by"]

T = TypeVar("T")

_DIGEST_SIZE = 32  # SHA-256


def directory_named_by(variable: str) -> Path | None:
    """The directory the environment variable names, or None (unset or empty: no copy)."""
    value = os.environ.get(variable, "")
    return Path(value) if value else None


def _private(st: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    return st.st_uid == os.geteuid() and not st.st_mode & 0o022


def _sha256(data: bytes | memoryview) -> bytes:
    return hashlib.sha256(data).digest()


@dataclass(frozen=True, slots=True)
class SavedCopy:
    """One kind of saved value: its files are ``<name>-<key>.marshal`` and start with `magic`."""

    name: str
    magic: bytes

    def path(self, directory: Path, key: str) -> Path:
        return directory / f"{self.name}-{key}.marshal"

    def header(self, key: str) -> bytes:
        """What a file starts with, before the digest of the rest."""
        return self.magic + key.encode()

    def load(self, directory: Path, key: str, convert: Callable[[Any], T]) -> T | None:
        """`convert` of the value saved in `directory` for `key`, or None if there is no
        whole, private copy or `convert` raises (the caller then builds it)."""
        try:
            if not _private(os.stat(directory)):
                return None
            # O_NONBLOCK: a pipe at the path is refused at once, not waited on for a writer
            # (it has no effect on a regular file's reads).
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
            fd = os.open(self.path(directory, key), flags)
            with os.fdopen(fd, "rb") as f:
                st = os.fstat(f.fileno())
                if not stat.S_ISREG(st.st_mode) or not _private(st):
                    return None
                blob = f.read()
            head = self.header(key)
            digest_end = len(head) + _DIGEST_SIZE
            body = memoryview(blob)[digest_end:]
            if not blob.startswith(head) or blob[len(head) : digest_end] != _sha256(body):
                return None
            return convert(marshal.loads(body))  # noqa: S302 - checked above
        except Exception:  # noqa: BLE001 - any unreadable copy is rebuilt, never trusted
            return None

    def save(self, directory: Path, key: str, make: Callable[[], Any]) -> None:
        """Save the value `make()` returns for `key` (called only by the process that gets to
        write it), replacing every other copy in `directory`. OSErrors are swallowed."""
        temporary: str | None = None
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not _private(os.stat(directory)):
                return
            lock = os.open(directory / ".lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            try:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return  # another process is writing it
                final = self.path(directory, key)
                body = marshal.dumps(make())
                fd, temporary = tempfile.mkstemp(
                    dir=directory, prefix=f".{self.name}-", suffix=".tmp"
                )
                with os.fdopen(fd, "wb") as f:
                    f.write(self.header(key) + _sha256(body))
                    f.write(body)
                os.replace(temporary, final)
                temporary = None
                stale = (
                    *directory.glob(f"{self.name}-*.marshal"),
                    *directory.glob(f".{self.name}-*.tmp"),
                )
                for old in stale:
                    if old != final:
                        old.unlink(missing_ok=True)
            finally:
                os.close(lock)  # also releases the lock
        except OSError:
            pass
        finally:
            if temporary is not None:
                with suppress(OSError):
                    os.unlink(temporary)
