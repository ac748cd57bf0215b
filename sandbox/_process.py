"""The bundled server as a child process: started behind a guard, its output read, its readiness
awaited, stopped. The launcher and the dashboard start their children this way.

``python -c GUARDED MODULE ARGS…`` runs MODULE as ``python -m`` does, ended when its stdin reaches
EOF: the launching process closed it, or died (even when killed). Threads read a server's output,
so its pipes never fill; the last lines are kept for error messages. A server is ready when it
has printed its banner (``Oro API Sandbox: URL`` … ``Storefront API: URL``: both APIs' roots);
one that exits or stays silent raises :class:`~sandbox.exceptions.LaunchError` with its exit code
and error output.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import subprocess
import sys
import threading
from collections import deque
from typing import IO, Any

from sandbox.exceptions import LaunchError

__all__ = ["GUARDED", "STOP_TIMEOUT", "ServerProcess", "terminate"]

STOP_TIMEOUT = 10.0
KEPT_LINES = 200  # of the server's output, per stream
SHOWN_LINES = 20  # of its error output, in a LaunchError

_BANNER = re.compile(r"^Oro API Sandbox: (\S+)\s*$")
_STOREFRONT = re.compile(r"^Storefront API: (\S+)")  # the banner's last line
# `python -c GUARDED MODULE ARGS…` runs MODULE as `python -m` does, ended when its stdin reaches
# EOF: the launching process closed it, or died. (os.read, not sys.stdin: a daemon thread
# blocked in a buffered read aborts the exit.)
GUARDED = """\
import os, runpy, signal, sys, threading
def orphaned():
    while os.read(0, 512):
        pass
    os.kill(os.getpid(), signal.SIGTERM)
threading.Thread(target=orphaned, daemon=True).start()
del sys.argv[0]
runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
"""


def terminate(process: subprocess.Popen[Any], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM, then SIGKILL if ``process`` is still there after ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class ServerProcess:
    """One child server process; threads read its output so that its pipes never fill."""

    def __init__(self, args: list[str], environ: dict[str, str]) -> None:
        self.args = args
        self.url: str | None = None
        self.storefront_url: str | None = None
        self.stdout: deque[str] = deque(maxlen=KEPT_LINES)
        self.stderr: deque[str] = deque(maxlen=KEPT_LINES)
        self.announced = threading.Event()  # the banner was printed, or stdout ended
        # -P: the working directory is not put on sys.path (a local `server` folder stays out)
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-c", GUARDED, "server", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environ,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=os.name == "posix",  # a kernel interrupt signals the group
        )
        self.readers = [
            threading.Thread(
                target=self._read, args=(stream, lines), name=f"oro-sandbox-{name}", daemon=True
            )
            for name, stream, lines in (
                ("stdout", self.process.stdout, self.stdout),
                ("stderr", self.process.stderr, self.stderr),
            )
        ]
        for reader in self.readers:
            reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def command(self) -> str:
        return shlex.join([sys.executable, "-m", "server", *self.args])

    def alive(self) -> bool:
        return self.process.poll() is None

    def _read(self, stream: IO[str], lines: deque[str]) -> None:
        for line in stream:
            lines.append(line.rstrip("\r\n"))
            if lines is self.stdout and not self.announced.is_set():
                if self.url is None and (match := _BANNER.match(line)):
                    self.url = match[1]
                elif self.url is not None and (match := _STOREFRONT.match(line)):
                    self.storefront_url = match[1]
                    self.announced.set()
        if lines is self.stdout:
            self.announced.set()

    def wait_ready(self, timeout: float) -> str:
        """The API URL from the banner, or a :class:`LaunchError` (the process stopped)."""
        announced = self.announced.wait(timeout)
        if self.url is not None:
            return self.url
        if announced:  # stdout ended without a banner: the process is exiting
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(STOP_TIMEOUT)
        self.stop()
        stderr = "\n".join(self.stderr)
        shown = "\n".join(f"  {line}" for line in list(self.stderr)[-SHOWN_LINES:])
        why = (
            f"exited with code {self.process.returncode}"
            if announced
            else f"did not start within {timeout:g} s and was stopped"
        )
        raise LaunchError(
            f"The bundled API server {why}.\nCommand: {self.command}\n"
            + (f"Its error output:\n{shown}" if shown else "It wrote nothing to stderr."),
            returncode=self.process.returncode,
            stderr=stderr,
        )

    def stop(self) -> None:
        if self.alive():
            terminate(self.process)
        for reader in self.readers:
            reader.join(STOP_TIMEOUT)
        # a pipe a reader still reads (a stuck descendant holds it open) is left to that reader
        outputs = (self.process.stdout, self.process.stderr)
        streams = [self.process.stdin]
        streams += [s for s, r in zip(outputs, self.readers, strict=True) if not r.is_alive()]
        for stream in streams:
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
