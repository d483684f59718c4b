"""Starting the tests' local Ray (2 CPUs, no dashboard) so that it starts on a loaded 2-core
machine too: Ray's agents then start slowly and the raylet gives up on them after its default
wait (``RAY_raylet_start_wait_time_s``), after which ``ray.init`` fails with "timed out during
startup"; a longer wait avoids that, and a start that still timed out is tried again."""

from __future__ import annotations

import os
from typing import Any

__all__ = ["RAY_ENV", "start_local_ray"]

RAY_ENV = {
    "RAY_AUTH_MODE": "disabled",  # else Ray 2.60 writes a token under ~/.ray
    "RAY_raylet_start_wait_time_s": "120",
}


def start_local_ray(ray: Any, attempts: int = 3) -> None:
    """``ray.init`` with :data:`RAY_ENV` set in this process (Ray's processes inherit it)."""
    for key, value in RAY_ENV.items():
        os.environ.setdefault(key, value)
    for attempt in range(1, attempts + 1):
        try:
            ray.init(num_cpus=2, include_dashboard=False, configure_logging=False)
            return
        except Exception as error:
            ray.shutdown()
            if attempt == attempts or "timed out during startup" not in str(error):
                raise
