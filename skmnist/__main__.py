"""``python -m skmnist``: the command line."""

import sys

from skmnist.cli import main

sys.exit(main())
