"""`python -m cencomm_client`: the same as the `cencomm-client` command."""

import sys

from cencomm_client.cli.main import main

sys.exit(main())
