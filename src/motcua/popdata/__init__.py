"""Citizen-data verification against the national population database (issue 15)."""
