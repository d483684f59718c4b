"""Metaflow Studio's top-level commands for the ``metaflow`` command (Metaflow's extension
point ``cmd``): ``metaflow ui``, ``metaflow function serve``. Each module is imported only
when its command runs."""

CMDS_DESC = [("ui", ".ui_cmd.cli"), ("function", ".function_cmd.cli")]
