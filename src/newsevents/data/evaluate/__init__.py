"""Tables for the evaluators (newsevents.evaluate)."""
