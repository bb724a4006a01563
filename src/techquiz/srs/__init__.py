"""Spaced repetition without any UI: scheduling, the study queue, sessions and answer checking."""
