"""Self-contained HTML dashboards: inline CSS and SVG, no scripts fetched, nothing loaded
from the network when viewed."""
