"""The 計画書 and 実績報告書: described once as data (spec), filled with the engine's values (values), drawn by
openpyxl (render) and refreshed in a user's book (service)."""
