"""The optional ``../shared`` folder beside the repository: the seed article, annotated corpora, the scorer.

A fresh clone has no ``../shared``; the tests that read it skip with one line saying so (and run when it
is there, as on the project's own machines). Nothing of it is ever copied into the repository.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_file(relative: str) -> Path:
    """``../shared/RELATIVE``, or skip the calling test with a one-line reason when it is absent."""
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(f"needs ../shared/{relative} (the optional folder beside the repository; see README)")
    return path
