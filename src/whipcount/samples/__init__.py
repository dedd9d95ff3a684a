"""Sample articles bundled with whipcount (fictional state, people and unions) for ``whipcount demo``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SAMPLE_SUFFIX = ".txt"


def sample_paths() -> list[str]:
    """Paths of the bundled sample articles, sorted by name.

    The package is installed as files (wheel or editable), so the resources have real paths.
    """
    root = resources.files(__name__)
    paths = [Path(str(root / entry.name)) for entry in root.iterdir()
             if entry.name.endswith(SAMPLE_SUFFIX)]
    return [str(p) for p in sorted(paths)]
