"""The Textual app. Deck text is always shown as plain `Content`, never parsed as markup."""
