"""techquiz: terminal flashcards and quizzes with FSRS spaced repetition and plain-text YAML decks."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("techquiz")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
