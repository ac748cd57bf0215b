"""What storage refuses, in storage's own terms; ``server.actions`` turns these into API errors."""

from __future__ import annotations


class StorageError(Exception):
    """A write that the stored data does not allow; the caller's transaction is to roll back."""


class StillReferenced(StorageError):
    """A delete refused: ``count`` records of ``type`` hold the record in ``relationship``, whose
    ``on_delete`` rule neither cascades nor clears."""

    def __init__(self, relationship: str, type_: str, count: int) -> None:
        super().__init__(f'{count} "{type_}" record(s) refer to it through "{relationship}"')
        self.relationship = relationship
        self.type = type_
        self.count = count
