"""`python -m srm_trainer.netlab …`: see `srm_trainer.netlab.cli`."""

import sys

from .cli import main

sys.exit(main())
