"""Package data: the embedded snapshot (``snapshot/``: Parquet files and ``manifest.json``).

Built by ``qtlab data build-snapshot --from DIR``; never edit by hand.
"""
