"""techquiz: terminal flashcards and quizzes with FSRS spaced repetition and plain-text YAML decks."""

# A literal, read by the build (pyproject's dynamic version): importlib.metadata costs ~45 ms at start-up.
__version__ = "0.1.0"
