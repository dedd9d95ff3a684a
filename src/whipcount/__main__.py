"""``python -m whipcount`` runs the CLI."""

from .cli import app

app()
