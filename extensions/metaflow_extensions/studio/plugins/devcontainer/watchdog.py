"""Removes a task's sandbox when its launcher dies without cleaning up (SIGKILL).

The runtime SIGKILLs tasks that do not stop within 5 s of a Ctrl-C; a handler cannot run then,
so this detached process polls the launcher's pid and removes the container once it is gone.
The launcher terminates this process when it cleaned up itself.
"""

from __future__ import annotations

import os
import sys
import time


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str]) -> int:
    """argv: launcher pid, sandbox handle, backend name (docker when absent)."""
    pid, handle = int(argv[0]), argv[1]
    backend = argv[2] if len(argv) > 2 else "docker"
    while _alive(pid) and os.getppid() == pid:
        time.sleep(0.5)
    # Imported only once there is something to clean up: the backend's SDK is slow to load.
    from .backends import create

    create(backend).discard(handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
