"""xlwings Lite: the workbook carries its own Python.

xlwings Lite is a free Office add-in (Microsoft Marketplace, asset WA200008175; free for personal and commercial
use) that runs Python in Pyodide inside Excel for Windows, macOS and the web, and reads the code from the
workbook. `make_lite` adds that code to a built template: a main.py carrying the pure part of kaigo_xl (bundle.py,
code.py) and a requirements.txt, stored as the add-in's document settings in the workbook's webextension parts
(kaigo_xl.xlsx.webextension), with the task pane set to open when the book opens. The book stays a macro-free
.xlsx that computes everything with its own formulas; the command-line tool never imports or runs the embedded
code.
"""

from __future__ import annotations

from kaigo_xl.excel.lite.book import LITE_SUFFIX, lite_addin, lite_name, make_lite

__all__ = ["LITE_SUFFIX", "lite_addin", "lite_name", "make_lite"]
