"""``sandbox.__all__`` is exactly the public surface: every public name, nothing else."""

from __future__ import annotations

import subprocess
import sys

import sandbox


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name, value in vars(sandbox).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("sandbox.")
    }
    assert sorted(sandbox.__all__) == sandbox.__all__
    assert set(sandbox.__all__) == public


def test_pandas_loads_with_the_first_frame_not_with_import_sandbox() -> None:
    script = (
        "import sys, sandbox\n"
        "before = sorted({'pandas', 'numpy'} & set(sys.modules))\n"
        "sandbox.to_frames({'data': [{'type': 'users', 'id': '1'}]})\n"
        "print(before, 'pandas' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout == "[] True\n"
