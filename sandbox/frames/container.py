"""``Frames``: the frames of one document (or of a whole paged collection), by resource type."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from sandbox._lazy import lazy_module

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]
else:  # loaded with the first frame, not with ``import sandbox``
    pd = lazy_module("pandas")

from sandbox.exceptions import FramesError

__all__ = ["Frames", "FramesError"]


class Frames(Mapping[str, Any]):
    """Resource type → DataFrame, with the primary type first.

    - ``frames["orders"]`` — every ``orders`` resource of the document (primary data first, then
      any from ``included``); ``frames.data`` — the primary data's rows only.
    - ``frames.primary`` — the primary data's type (the first one, if ``data`` mixes types).
    - ``frames.links[("orders", "lineItems")]`` — link tables of to-many relationships, when
      asked for with ``link_tables=True``.
    - ``frames.relationships[("orders", "customer")]`` — the types a relationship points at.
    - ``frames.join("customer", "status")`` — the primary data with included resources joined in.
    - ``frames.meta`` — the document's top-level ``meta``; ``frames.total`` — the total count the
      server reported to :func:`fetch_all` (None otherwise).
    """

    def __init__(
        self,
        frames: Mapping[str, Any],
        *,
        primary: str | None = None,
        data_rows: Mapping[str, int] | None = None,
        links: Mapping[tuple[str, str], Any] | None = None,
        relationships: Mapping[tuple[str, str], tuple[str, ...]] | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> None:
        self._frames = dict(frames)
        self.primary = primary
        self._data_rows = dict(data_rows or {})
        self.links: dict[tuple[str, str], Any] = dict(links or {})
        self.relationships: dict[tuple[str, str], tuple[str, ...]] = dict(relationships or {})
        self.meta: Mapping[str, Any] = meta or {}
        self.total: int | None = None  # X-Include-Total-Count, for frames from fetch_all()

    def __getitem__(self, kind: str) -> Any:
        try:
            return self._frames[kind]
        except KeyError:
            known = ", ".join(self._frames) or "none"
            raise KeyError(f"no {kind!r} frame; the types here: {known}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def data(self) -> Any:
        """The primary data as one frame (an empty frame indexed by ``id`` when there is none)."""
        if self.primary is None:
            return pd.DataFrame(index=pd.Index([], dtype="str", name="id"))
        frame = self._frames[self.primary]
        rows = self._data_rows.get(self.primary, len(frame))
        return frame if rows == len(frame) else frame.iloc[:rows]

    def join(self, *relationships: str, frame: str | None = None, how: str = "left") -> Any:
        """The primary data (or the frame of type ``frame``) joined with related resources.

        Each name is a to-one relationship: its ``<name>.id`` column is matched with the index
        of the related type's frame (from ``included``), whose columns come in prefixed with
        ``<name>.`` (``customer.name``). ``how`` as in ``DataFrame.join``; the index is kept.
        """
        kind = frame or self.primary
        if kind is None:
            raise FramesError("no primary data to join to")
        result = self.data if frame is None else self[kind]
        for name in relationships:
            right, key = self._related(kind, name, result), f"{name}.id"
            if (result[key].dtype.kind in "iu") == (right.index.dtype.kind in "iu"):
                result = result.join(right, on=key, how=how)
            else:  # integer ids on one side only: match them as text
                right = right.set_axis(right.index.astype("str"))
                text = result[key].astype("str")
                result = result.assign(_key=text).join(right, on="_key", how=how)
                result = result.drop(columns="_key")
        return result

    def _related(self, kind: str, name: str, left: Any) -> Any:
        targets = self.relationships.get((kind, name))
        if targets is None or f"{name}.id" not in left.columns:
            to_one = [r for (k, r) in self.relationships if k == kind and f"{r}.id" in left.columns]
            if targets is not None:
                raise FramesError(
                    f"{kind}.{name} is a to-many relationship; join through"
                    f" frames.links[({kind!r}, {name!r})] (link_tables=True)"
                )
            raise FramesError(
                f"{kind} has no relationship {name!r}; to-one ones: {', '.join(to_one) or 'none'}"
            )
        if len(targets) != 1:
            found = ", ".join(targets) or "no resources"
            raise FramesError(f"{kind}.{name} points at {found}: join needs exactly one type")
        if targets[0] not in self._frames:
            raise FramesError(
                f"no {targets[0]!r} frame to join {kind}.{name} with:"
                f" ask for them with include={name}"
            )
        return self._frames[targets[0]].add_prefix(f"{name}.")

    def __repr__(self) -> str:
        lines = [f"<Frames, primary {self.primary}" if self.primary else "<Frames, no data"]
        names = [*self._frames, *(f"links[{k!r}, {n!r}]" for k, n in self.links)]
        counts = [f"{len(f):,}" for f in (*self._frames.values(), *self.links.values())]
        width = max(map(len, names), default=0)
        digits = max(map(len, counts), default=0)
        for name, count, frame in zip(
            names, counts, (*self._frames.values(), *self.links.values()), strict=True
        ):
            line = f"  {name:<{width}}  {count:>{digits}} {_plural(len(frame), 'row')}"
            if name in self._frames:
                line += f" × {_plural(frame.shape[1], 'column', count=True)}"
                if name == self.primary and self._data_rows.get(name, len(frame)) != len(frame):
                    line += f" ({self._data_rows[name]:,} in data)"
            lines.append(line)
        return "\n".join(lines) + ">"


def _plural(number: int, noun: str, *, count: bool = False) -> str:
    word = noun if number == 1 else f"{noun}s"
    return f"{number:,} {word}" if count else word
