"""Test support: builders, the hostile-file corpus, payloads for the add-in, PDF inspection."""
