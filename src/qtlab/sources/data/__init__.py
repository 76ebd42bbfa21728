"""Packaged source data: hand-entered official tables (SEP) read with importlib.resources."""
