"""``sandbox.__all__`` is exactly the public surface: every public name, nothing else."""

from __future__ import annotations

import sandbox


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name, value in vars(sandbox).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("sandbox.")
    }
    assert sorted(sandbox.__all__) == sandbox.__all__
    assert set(sandbox.__all__) == public
