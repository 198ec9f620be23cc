"""The TUI's screens, one module each: overview, queue (and job), filters, balance, cluster."""
