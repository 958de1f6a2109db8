"""The summary as CSV for other systems: the rows of the 集計 sheet, from the same table.

UTF-8 with a BOM by default (Excel opens it with the right characters); `cp932` (Shift_JIS) for systems that only
take that, where a character Shift_JIS cannot hold becomes 「?」 and is counted so the command can say so.
Text that a spreadsheet would run as a formula gets a leading single quote (kaigo_xl.municipal.text.csv_cell).
"""

from __future__ import annotations

import csv
import io

from kaigo_xl.municipal import tables as T
from kaigo_xl.municipal.summary import Summary
from kaigo_xl.municipal.text import csv_cell

CSV_ENCODINGS = {"utf-8": "utf-8-sig", "utf-8-sig": "utf-8-sig", "cp932": "cp932", "shift_jis": "cp932",
                 "sjis": "cp932"}


def csv_text(summary: Summary) -> str:
    cols = T.facility_columns(summary.month_labels())
    rows = T.facility_rows(summary, cols)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.header for c in cols])
    for row in rows:
        w.writerow([csv_cell(v) for v in row])
    w.writerow([csv_cell(v) for v in [None, f"合計（{summary.count_label()}）", *T.totals(rows, cols)[2:]]])
    return buf.getvalue()


def csv_bytes(summary: Summary, encoding: str = "utf-8-sig") -> tuple[bytes, int]:
    """The CSV bytes and how many characters the encoding could not hold (replaced by 「?」)."""
    text = csv_text(summary)
    codec = CSV_ENCODINGS.get(encoding.lower(), encoding)
    bad = {ch for ch in set(text) if not _encodable(ch, codec)}
    lost = sum(1 for ch in text if ch in bad) if bad else 0
    return text.encode(codec, errors="replace"), lost


def _encodable(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True
