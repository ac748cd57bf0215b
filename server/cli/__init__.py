"""The ``oro-sandbox`` command: ``serve`` (the default), ``seed``, ``openapi``, the security
helpers ``apikey``, ``wsse-header`` and ``api-feature``, ``dashboard`` and ``lab`` (the server
with the Voila web sandbox or JupyterLab: :mod:`sandbox.dashboard`, with the notebook extras),
``worker``, ``batch-cleanup`` and ``batch-cancel`` (the Batch API's queue:
:mod:`server.cli.batch`), ``visitor-cleanup`` (the storefront's expired visitors), and
``notebooks`` (copies the guided notebooks out of the package: :mod:`sandbox.bundled`).

Settings come from ``ORO_SANDBOX_*`` environment variables first, then from flags
(:mod:`server.cli.parser`); the commands are in :mod:`server.cli.serve` and
:mod:`server.cli.security`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from server.cli.batch import batch_cancel, batch_cleanup, visitor_cleanup, worker
from server.cli.parser import SANDBOX_COMMANDS, parse_args, settings_from
from server.cli.security import api_feature, apikey, wsse_header_command
from server.cli.serve import (
    banner,
    base_url,
    bind_socket,
    dump_document,
    openapi,
    reindex,
    seed,
    serve,
)

__all__ = [
    "banner",
    "base_url",
    "bind_socket",
    "dump_document",
    "main",
    "parse_args",
    "settings_from",
]


def sandbox_command(command: str, argv: Sequence[str], out: TextIO | None) -> int:
    """``dashboard`` and ``lab`` (:mod:`sandbox.dashboard`) and ``notebooks``
    (:mod:`sandbox.bundled`), which need the notebook extras."""
    try:
        from sandbox.bundled import main as notebooks_main
        from sandbox.dashboard import main as dashboard_main
    except ImportError as error:
        print(
            f"oro-sandbox {command} needs the notebook extras ({error}): "
            "pip install 'oro-api-sandbox[notebook]'",
            file=sys.stderr,
        )
        return 1
    if command == "notebooks":
        return notebooks_main(argv, prog=f"oro-sandbox {command}", out=out)
    lab = ["--lab"] if command == "lab" else []
    return dashboard_main([*lab, *argv], prog=f"oro-sandbox {command}", out=out)


HANDLERS = {
    "serve": serve,
    "seed": seed,
    "openapi": openapi,
    "apikey": apikey,
    "wsse-header": wsse_header_command,
    "api-feature": api_feature,
    "worker": worker,
    "batch-cleanup": batch_cleanup,
    "batch-cancel": batch_cancel,
    "visitor-cleanup": visitor_cleanup,
    "reindex": reindex,
}


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in SANDBOX_COMMANDS:
        return sandbox_command(argv[0], argv[1:], out)
    args = parse_args(argv)
    handler = HANDLERS[args.command]
    try:
        return handler(args, os.environ if environ is None else environ, out or sys.stdout)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
