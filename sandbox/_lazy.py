"""A module imported on its first use: ``pd = lazy_module("pandas")`` costs nothing until ``pd.X``.

``import sandbox`` stays light (pandas and numpy take most of a second to load) while the frames
code keeps writing ``pd.DataFrame``. Each attribute is looked up once, then kept on the proxy.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["lazy_module"]


class _LazyModule:
    def __init__(self, name: str) -> None:
        self.__name = name

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(importlib.import_module(self.__name), attribute)
        setattr(self, attribute, value)
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self.__name!r}>"


def lazy_module(name: str) -> Any:
    return _LazyModule(name)
