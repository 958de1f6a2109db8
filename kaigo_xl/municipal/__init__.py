"""A municipality's batch work: distribute one workbook per facility, collect and aggregate what comes back.

`kaigo_xl.commands.batch` holds the two commands; the parts live here: facility_list (reading the clerk's list), filenames
(names safe on Windows), distribute, cellpatch (copies of a built book with cells changed in the XML), collect
(reading many workbooks on every core), summary (figures, CSV, JSON) and summary_book (the summary workbook).
"""
