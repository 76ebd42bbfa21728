"""Packaged policy data: the presets (YAML, one file per preset, each regime citing its source)."""
