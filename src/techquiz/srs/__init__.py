"""Spaced repetition without any UI: scheduling, the study queue, questions and answer checking."""
