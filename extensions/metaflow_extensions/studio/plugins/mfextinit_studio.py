"""Metaflow Studio's step decorators (Metaflow loads this file by name; paths are relative)."""

STEP_DECORATORS_DESC = [("devcontainer", ".devcontainer.decorator.DevcontainerDecorator")]
