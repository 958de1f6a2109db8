"""OOXML plumbing with no knowledge of our template: package parts, A1 references, workbook.xml, the preflight of
hostile files, the used-range scanner, cell patching, safe file writing and the LibreOffice harness.

Nothing here imports the rest of kaigo_xl except `kaigo_xl.errors`; the template, its reader and the forms build
on this package, never the other way round (an import-linter contract holds it).
"""
