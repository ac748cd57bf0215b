"""``python -m server [serve|seed|openapi] ...``; with no command it serves."""

import sys

from server.cli import main

sys.exit(main())
