"""Starts debugpy's adapter, launcher or debuggee without its start-up environment report.

    python quick_debugpy.py adapter [ADAPTER ARGS]            (instead of -m debugpy.adapter)
    python quick_debugpy.py ADAPTER_ADDRESS -- DEBUGGEE ARGS   (as the adapter runs its launcher)
    python [-X frozen_modules=off] quick_debugpy.py debuggee [-X frozen_modules=off]
        DEBUGPY_DIR --connect ... PROGRAM ARGS                 (as debugpy's launcher runs it)

Every debugpy process (1.8) starts by describing its environment for the log, listing every
installed distribution with its version, whether or not a log is written: it parses each
package's metadata four times, twice in a debuggee. That is most of the debugger's start-up
CPU, about a second per "Debug step" in a venv of 70 packages, on the path to the
breakpoint. Here the description is skipped unless debugpy logging is on (DEBUGPY_LOG_DIR,
``--log-dir``, ``--log-to``); everything else runs exactly as debugpy's own entry points.
The launcher form is what the adapter runs when the launch request's ``debugLauncherPath``
names this file, the debuggee form what the launcher runs when its ``python`` does
(``mfstudio.launch.debug.debugpy_launch``).

Runs in the user's interpreter: standard library and debugpy only.
"""

from __future__ import annotations

import os
import runpy
import sys

FROZEN_OFF = ["-X", "frozen_modules=off"]  # what debugpy's launcher adds on Python >= 3.11
LOG_OPTIONS = ("--log-dir", "--log-to", "--log-stderr")


def _skip_environment_report(args: list[str]) -> None:
    if os.environ.get("DEBUGPY_LOG_DIR") or any(a.split("=")[0] in LOG_OPTIONS for a in args):
        return  # a log is wanted: keep it complete
    from debugpy.common import log

    if hasattr(log, "describe_environment"):
        log.describe_environment = lambda header: None


def main(argv: list[str]) -> None:
    # This file's folder must not shadow anything the debuggee imports.
    del sys.path[0]
    role, args = (argv[0], argv[1:]) if argv else ("", [])
    if role == "adapter":
        _skip_environment_report(args)
        sys.argv = ["debugpy.adapter", *args]
        runpy.run_module("debugpy.adapter", run_name="__main__", alter_sys=True)
    elif role == "debuggee":
        if args[:2] == FROZEN_OFF:
            del args[:2]  # already given to this interpreter, before this file
        debugpy_dir = args.pop(0)
        # The launcher names its own debugpy: import that one, as `python DEBUGPY_DIR` would.
        sys.path.insert(0, os.path.dirname(os.path.abspath(debugpy_dir)))
        import debugpy  # noqa: F401

        del sys.path[0]
        _skip_environment_report(args)
        sys.argv = [debugpy_dir, *args]
        runpy.run_module("debugpy", run_name="__main__", alter_sys=True)
    elif "--" in argv:  # the launcher: the adapter gives it no role, only its own arguments
        _skip_environment_report([])
        sys.argv = ["debugpy.launcher", *argv]
        runpy.run_module("debugpy.launcher", run_name="__main__", alter_sys=True)
    else:
        sys.exit(
            "usage: quick_debugpy.py adapter ARGS | debuggee DEBUGPY_DIR ARGS | ADDRESS -- ARGS"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
