"""JSON:API documents as pandas DataFrames: :func:`to_frames` (pure) and :func:`fetch_all` (I/O).

``to_frames(document)`` makes one tidy frame per resource type — ids as the index, attributes as
typed columns, to-one relationships as ``<name>.id`` columns, to-many ones as lists of ids (and
optional link tables) — held by :class:`Frames`, which also joins included resources in.
``fetch_all(client, "orders")`` pages through a whole collection into the same :class:`Frames`.

Column types come from the server's metadata when given (``types=``: ``sandbox.Metadata`` or a
plain ``{type: {attribute: kind}}``), and are inferred conservatively otherwise; the table of kinds
is in :mod:`sandbox.frames.columns`.

Exceptions: :class:`FramesError` (a ``SandboxError`` and a ``ValueError``) for a document that
cannot be converted or a join that cannot be made; ``fetch_all`` also raises the client's
``ApiResponseError`` for a page that failed, and ``ConnectionFailed``.
"""

from sandbox.frames.columns import AttributeTypes, Decimals, Types
from sandbox.frames.container import Frames, FramesError
from sandbox.frames.document import to_frames
from sandbox.frames.fetch import fetch_all

__all__ = ["AttributeTypes", "Decimals", "Frames", "FramesError", "Types", "fetch_all", "to_frames"]
