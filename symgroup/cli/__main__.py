"""``python -m symgroup.cli``: the command line."""

import sys

from symgroup.cli import main

sys.exit(main())
