"""``python -m kzgraph``: the same as the ``kzgraph`` command."""

import sys

from .cli import main

sys.exit(main())
