"""The progress store: SQLite in the data dir, one transaction per answer, backups, migrations."""
