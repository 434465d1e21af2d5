"""Eligibility evaluators built on the generic rules engine: each reads its rulebook (YAML data) and
returns a three-state, explained :class:`innopoints.rules.results.Verdict`."""
