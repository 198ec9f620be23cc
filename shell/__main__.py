"""``python -m shell``: the same as the ganeti-shell binary."""

from shell.main import main

main()
