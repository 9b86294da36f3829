"""Stage 6 — report: outcomes as JSON, as text for the terminal, as explanations (events → rule →
article text), as comparisons of two readings, and as a self-contained HTML page."""
