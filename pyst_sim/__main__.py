"""``python -m pyst_sim`` is ``pyst-sim``."""

import sys

from pyst_sim.cli import main

sys.exit(main())
