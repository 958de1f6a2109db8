"""A workbook with xlwings Lite's parts: the built template's bytes plus main.py and requirements.txt."""

from __future__ import annotations

from kaigo_xl.excel.lite.code import main_py, requirements_txt
from kaigo_xl.xlsx.webextension import TaskPaneAddin, add_taskpane_addin

STORE_ID = "WA200008175"  # xlwings Lite in the Office store (Microsoft Marketplace)
# This workbook's instance of the add-in: fixed, so the committed Lite templates are reproducible byte for byte.
INSTANCE_GUID = "{6B1D2C7E-4A35-4E0B-9C21-5F8A3D7E1B42}"
LITE_SUFFIX = "_lite"


def lite_addin() -> TaskPaneAddin:
    """xlwings Lite docked on the right, open when the book opens (Office then offers to add it), with our code."""
    return TaskPaneAddin(store_id=STORE_ID, guid=INSTANCE_GUID, culture="ja-JP", visible=True, width=350,
                         custom_functions=True,
                         properties={"main.py": main_py(), "requirements.txt": requirements_txt()})


def make_lite(data: bytes) -> bytes:
    """The .xlsx `data` (a template built by kaigo_xl) as its xlwings Lite variant."""
    return add_taskpane_addin(data, lite_addin())


def lite_name(name: str) -> str:
    """kaigo_xl_template_yogo_r7.xlsx → kaigo_xl_template_yogo_r7_lite.xlsx"""
    stem, dot, ext = name.rpartition(".")
    return f"{stem}{LITE_SUFFIX}{dot}{ext}" if dot else name + LITE_SUFFIX
