"""Commercial readiness: 80 checkpoints scored from evidence in the repository."""
