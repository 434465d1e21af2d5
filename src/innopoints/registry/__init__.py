"""Enterprise registry: identities, the annual indicator panel with provenance, imports and exports."""
