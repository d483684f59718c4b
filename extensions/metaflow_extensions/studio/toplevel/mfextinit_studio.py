"""Metaflow's toplevel extension point: the module below is splatted into ``metaflow``."""

toplevel = "studio_toplevel"
