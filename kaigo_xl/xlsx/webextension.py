"""Office task-pane add-ins stored in a workbook (webextension parts), written and read without openpyxl.

An Office add-in can travel with a workbook: `xl/webextensions/taskpanes.xml` docks a task pane
(`visibility="1"` opens it, and offers to install the add-in, when the file is opened), and
`xl/webextensions/webextension1.xml` names the add-in in the Office store and holds its document settings.
Office stores each setting as a JSON value inside an XML attribute, exactly as Office.js' document settings
serialise it: `json.dumps(value, ensure_ascii=False)` with `/` written `\\/`, then XML-escaped. The layout follows
workbooks saved by Excel with such add-ins (see ../shared/XLWINGS_LITE.md); nothing here knows which add-in it is.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from kaigo_xl.xlsx.opc import (
    CONTENT_TYPES,
    ROOT_RELS,
    OpcPackage,
    add_content_types,
    add_relationships,
    free_id,
    relationships_xml,
    rewrite,
)

FOLDER = "xl/webextensions"
TASKPANES = f"{FOLDER}/taskpanes.xml"
TASKPANES_RELS = f"{FOLDER}/_rels/taskpanes.xml.rels"
REL_TASKPANES = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
REL_WEBEXTENSION = "http://schemas.microsoft.com/office/2011/relationships/webextension"
CT_TASKPANES = "application/vnd.ms-office.webextensiontaskpanes+xml"
CT_WEBEXTENSION = "application/vnd.ms-office.webextension+xml"
NS_WE = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
NS_WETP = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
EXT_CUSTOM_FUNCTIONS = "{D87F86FE-615C-45B5-9D79-34F1136793EB}"
EXT_FUNCTION_IDS = "{7C84B067-C214-45C3-A712-C9D94CD141B2}"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


@dataclass(frozen=True)
class TaskPaneAddin:
    """An Office store add-in docked as a task pane, with the document settings it reads."""

    store_id: str  # the add-in's asset id in the Office store, e.g. WA200008175
    guid: str  # this workbook's instance of it, "{…}"; fixed for reproducible files
    properties: Mapping[str, str] = field(default_factory=dict)  # document settings (text values)
    culture: str = "ja-JP"  # the store culture of the user who "saved" it
    visible: bool = True  # open the pane (and offer to install the add-in) when the file opens
    width: int = 350
    custom_functions: bool = False  # the add-in provides custom functions
    version: str = "1.0.0.0"
    store_type: str = "OMEX"  # the public Office store


def encode_setting(value: str) -> str:
    """A document-setting value as Office writes it into the attribute, before XML escaping."""
    return json.dumps(value, ensure_ascii=False).replace("/", "\\/")


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def webextension_xml(addin: TaskPaneAddin) -> bytes:
    props = "".join(f'<we:property name="{_attr(name)}" value="{_attr(encode_setting(value))}"/>'
                    for name, value in addin.properties.items())
    ext = ""
    if addin.custom_functions:
        ext = (f'<we:extLst><a:ext xmlns:a="{NS_A}" uri="{EXT_CUSTOM_FUNCTIONS}"><we:containsCustomFunctions/></a:ext>'
               f'<a:ext xmlns:a="{NS_A}" uri="{EXT_FUNCTION_IDS}"><we:customFunctionIdList/></a:ext></we:extLst>')
    return (f'{_DECLARATION}<we:webextension xmlns:we="{NS_WE}" id="{_attr(addin.guid)}">'
            f'<we:reference id="{_attr(addin.store_id.lower())}" version="{_attr(addin.version)}" '
            f'store="{_attr(addin.culture)}" storeType="{_attr(addin.store_type)}"/>'
            f'<we:alternateReferences><we:reference id="{_attr(addin.store_id.upper())}" '
            f'version="{_attr(addin.version)}" store="{_attr(addin.store_id.upper())}" '
            f'storeType="{_attr(addin.store_type)}"/></we:alternateReferences>'
            f'<we:properties>{props}</we:properties><we:bindings/><we:snapshot xmlns:r="{NS_R}"/>{ext}'
            "</we:webextension>").encode()


def taskpanes_xml(addin: TaskPaneAddin, rel_id: str) -> bytes:
    return (f'{_DECLARATION}<wetp:taskpanes xmlns:wetp="{NS_WETP}"><wetp:taskpane dockstate="right" '
            f'visibility="{int(addin.visible)}" width="{addin.width}" row="2">'
            f'<wetp:webextensionref xmlns:r="{NS_R}" r:id="{rel_id}"/></wetp:taskpane></wetp:taskpanes>'
            ).encode()


def add_taskpane_addin(data: bytes, addin: TaskPaneAddin) -> bytes:
    """The workbook `data` with `addin` docked as its task pane (refuses a book that already has task panes)."""
    package = OpcPackage(data)
    if TASKPANES in package.parts or any(r.type == REL_TASKPANES for r in package.relationships("")):
        raise ValueError("the workbook already has task-pane add-ins")
    web = f"{FOLDER}/webextension1.xml"
    new = {
        TASKPANES: taskpanes_xml(addin, "rId1"),
        TASKPANES_RELS: relationships_xml([("rId1", REL_WEBEXTENSION, "webextension1.xml")]),
        web: webextension_xml(addin),
    }
    replace = {
        ROOT_RELS: add_relationships(package.parts.get(ROOT_RELS),
                                     [(free_id(package, ""), REL_TASKPANES, TASKPANES)]),
        CONTENT_TYPES: add_content_types(package.parts[CONTENT_TYPES], {TASKPANES: CT_TASKPANES,
                                                                        web: CT_WEBEXTENSION}),
    }
    return rewrite(data, replace, new)


def read_settings(data: bytes) -> dict[str, dict[str, str]]:
    """{webextension part: {setting name: text value}} of every webextension in the workbook."""
    package = OpcPackage(data)
    out: dict[str, dict[str, str]] = {}
    for name in sorted(package.parts):
        if package.content_type(name) != CT_WEBEXTENSION:
            continue
        root = ET.fromstring(package.parts[name])
        out[name] = {p.get("name", ""): json.loads(p.get("value", '""'))
                     for p in root.iter(f"{{{NS_WE}}}property")}
    return out
