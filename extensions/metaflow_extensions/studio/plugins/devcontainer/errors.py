"""The one error type of @devcontainer.

Deliberately a plain Exception (not MetaflowException): the launcher that runs for every task
must not pay for importing Metaflow. The decorator turns it into a MetaflowException at its
boundary so the Metaflow CLI prints it without a traceback.
"""

from __future__ import annotations


class DevcontainerError(Exception):
    """A user-facing problem: the message says what is wrong, where, and how to fix it."""
