"""Reading a filled workbook into the models, with a finding at `sheet!cell` for every cell that cannot be used.

`read_grids` (pure: values in, input and findings out) serves the add-in and xlwings Lite; `read_workbook` reads a
file with python-calamine after the preflight. Imported lazily so the pure part never loads python-calamine.
"""

from kaigo_xl.workbook.reader.grids import read_grids
from kaigo_xl.workbook.reader.integrity import SHEETS_TO_READ

__all__ = ["SHEETS_TO_READ", "read_grids", "read_workbook"]


def __getattr__(name: str):
    if name == "read_workbook":
        from kaigo_xl.workbook.reader.file import read_workbook

        return read_workbook
    raise AttributeError(name)
