"""Scoring the system against annotated articles."""
