"""Packaged prepayment data: the named parameter sets (params.yaml)."""
