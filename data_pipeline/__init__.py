"""Ray Data graphs over the effiskel library: one module per stage."""
