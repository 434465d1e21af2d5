"""Generic rules engine: dated parameters, bands, three-state conditions, traces."""
