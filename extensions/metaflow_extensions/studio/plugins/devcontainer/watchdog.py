"""Removes a task's container when its launcher dies without cleaning up (SIGKILL).

The runtime SIGKILLs tasks that do not stop within 5 s of a Ctrl-C; a handler cannot run then,
so this detached process polls the launcher's pid and removes the container once it is gone.
The launcher terminates this process when it cleaned up itself.
"""

from __future__ import annotations

import contextlib
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
    pid, container_id = int(argv[0]), argv[1]
    while _alive(pid) and os.getppid() == pid:
        time.sleep(0.5)
    import docker  # type: ignore[import-untyped]  # only once there is something to clean up

    with contextlib.suppress(docker.errors.NotFound):
        docker.from_env().containers.get(container_id).remove(force=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
