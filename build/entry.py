"""Entry point of the frozen binary: the same dispatch as the console script."""

from shell.main import main

main()
