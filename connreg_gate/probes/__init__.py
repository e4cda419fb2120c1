"""Health probes against the live connections the registry declares."""
