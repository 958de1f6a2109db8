"""A municipality's batch work: distribute one workbook per facility, collect and aggregate what comes back.

`kaigo_xl.commands.batch` holds the two commands; the parts live here: facility_list (the clerk's list, or
配布一覧.csv read back), filenames (names safe on Windows), text (cleaning every outside string for display),
distribute, collect (one book → a plain result) and pool (many books in worker processes, surviving a worker's
death), reconcile (books against the list: 未提出, wrong numbers), summary (one fiscal year in figures, JSON),
tables (the rows every table is laid out from), frames (the same rows as pandas frames), export (CSV), feedback
(差し戻し), sheetxml / summary_book / summary_lists (the summary workbook), service (the round without printing) and
api (`kaigo_xl.collect_frame` …).
"""
