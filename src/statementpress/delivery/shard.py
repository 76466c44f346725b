"""Shards: a stable split of the statements of an archive over N build jobs.

A statement belongs to shard `sha256(id) mod N + 1`. The choice depends on the id alone (not
on the language, the file name, the order of the sources or the machine), so every language
version of one statement lands in the same shard, and the N shards together hold every
statement exactly once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `count` (1-based, as written on the command line: `--shard 2/4`)."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.index <= self.count:
            raise ValueError(f"shard {self.index}/{self.count}: K must be between 1 and N")

    def contains(self, statement_id: str) -> bool:
        """Whether the statement with this id is built by this shard."""
        return shard_of(statement_id, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def shard_of(statement_id: str, count: int) -> int:
    """The 1-based shard of `count` that builds the statement `statement_id`."""
    digest = hashlib.sha256(statement_id.encode("utf-8")).digest()
    return int.from_bytes(digest, "big") % count + 1


def parse_shard(spec: str) -> Shard:
    """`"K/N"` as a Shard; ValueError with a readable message for anything else."""
    match = _SPEC.fullmatch(spec)
    if not match:
        raise ValueError(f"{spec!r} is not a shard: write K/N, e.g. 1/4")
    return Shard(int(match.group(1)), int(match.group(2)))
