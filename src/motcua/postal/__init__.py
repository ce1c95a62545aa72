"""Postal return and pickup (issue 15) through an operator adapter."""
