"""Workbook files: template builder, reader, form layouts and writers, LibreOffice harness."""
