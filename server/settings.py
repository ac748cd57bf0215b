"""Server settings: one frozen dataclass, built from CLI flags or an environment mapping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

DEFAULT_DATABASE = "sqlite:///var/oro-sandbox.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE
    api_prefix: str = "/api"
    debug: bool = False
    scale: int = 1  # seed size multiplier: 2,000 orders per unit
    reset: bool = False  # drop and re-seed the database at start-up
    default_page_size: int = 10
    max_related_entities: int = 1000

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        """Read ``ORO_SANDBOX_*`` variables from ``environ`` (passed in, never read globally)."""
        values: dict[str, Any] = {}
        if "ORO_SANDBOX_DATABASE" in environ:
            values["database_url"] = environ["ORO_SANDBOX_DATABASE"]
        if "ORO_SANDBOX_API_PREFIX" in environ:
            values["api_prefix"] = "/" + environ["ORO_SANDBOX_API_PREFIX"].strip("/")
        if "ORO_SANDBOX_DEBUG" in environ:
            values["debug"] = environ["ORO_SANDBOX_DEBUG"].lower() in ("1", "true", "yes", "on")
        if "ORO_SANDBOX_SCALE" in environ:
            values["scale"] = int(environ["ORO_SANDBOX_SCALE"])
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)
