"""``python -m kzgraph``: the same as the ``kzgraph`` command."""

from .cli import run

run()
