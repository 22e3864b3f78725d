"""`python -m emulator.cli`: the same as the `aip-emulator` command."""

from emulator.cli.commands import main

raise SystemExit(main())
