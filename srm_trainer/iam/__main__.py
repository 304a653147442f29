"""`python -m srm_trainer.iam …`: see `srm_trainer.iam.cli`."""

import sys

from .cli import main

sys.exit(main())
