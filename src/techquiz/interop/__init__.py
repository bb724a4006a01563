"""Cards and review history in from Anki, Quizlet and CSV/TSV, and out again to Anki and CSV."""
