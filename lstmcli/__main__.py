"""`python -m lstmcli` runs the `lstm` command."""

from lstmcli.cli import main

main()
