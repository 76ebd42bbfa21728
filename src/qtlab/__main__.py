"""``python -m qtlab`` runs the ``qtlab`` command."""

from qtlab.cli import app

app(prog_name="qtlab")
