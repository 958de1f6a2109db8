"""施設情報: the facility, the year, the document to make and the payment plan (yellow input cells)."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.rules import printing
from kaigo_xl.workbook import layout, styles
from kaigo_xl.workbook.template import formulas as F
from kaigo_xl.workbook.template.settings import Lists

_FORMATS = {"int": "0", "year": "0", "date": styles.DATE, "month": '0"月"', "yen": styles.YEN}


def build_facility(ws: Worksheet, lists: Lists) -> None:
    styles.title(ws, "施設情報")
    styles.text(ws, "A2", "黄色のセルに入力してください（※は必須）。ここに入力した内容が計画書・実績報告書に反映されます。",
                small=True)
    styles.header(ws, 3, {"B": "項目", "C": "入力", "D": "説明・表示"})
    styles.text(ws, layout.VERSION_LABEL_CELL, "様式の版", small=True)
    ws[layout.VERSION_LABEL_CELL].alignment = styles.RIGHT
    styles.text(ws, layout.VERSION_CELL, layout.TEMPLATE_VERSION, small=True)
    list_of = {"facility.type": "type", "facility.subtype": "subtype", "facility.tokutei_designated": "yesno",
               "phase": "phase"}
    for f in layout.FACILITY_FIELDS:
        row = int(f.cell[1:])
        styles.text(ws, f"B{row}", f.label + ("　※" if f.required else ""), bold=f.required)
        ws[f"B{row}"].border = styles.BOX
        # 施設番号 as text, so Excel keeps a leading zero (0112345678)
        styles.input_cell(ws, f.cell, "@" if f.key == "facility.number" else _FORMATS.get(f.kind))
        styles.text(ws, f"D{row}", f.help, small=True, wrap=True)
        if f.kind == "choice":
            styles.validation(ws, f.cell, kind="list", formula1=lists.range(list_of[f.key]),
                              prompt=f"{f.label}を一覧から選んでください。" + (f"\n{f.help}" if f.help else ""),
                              error=f"{f.label}は一覧から選んでください。")
        elif f.kind in ("int", "month", "year", "yen"):
            lo_hi = {"int": (0, 100000), "yen": (0, 10**11), "year": (2000, 2100), "month": (1, 12)}[f.kind]
            if f.key == "payment.installments":
                lo_hi = (1, 12)
            styles.validation(ws, f.cell, kind="whole", operator="between", formula1=str(lo_hi[0]),
                              formula2=str(lo_hi[1]), prompt=_PROMPTS.get(f.key, f"{f.label}を整数で入力してください。"),
                              error=f"{f.label}は{lo_hi[0]}〜{lo_hi[1]}の整数で入力してください。")
        elif f.kind == "date":
            styles.validation(ws, f.cell, kind="date", operator="between", formula1="DATE(2000,1,1)",
                              formula2="DATE(2100,12,31)", prompt="提出日を 2026/4/15 のように入力してください"
                              "（和暦は右に表示されます）。", error="日付を 2026/4/15 のように入力してください。")
        ws.row_dimensions[row].height = 20 if len(f.help) <= 36 else 30
    name = layout.FIELD_BY_KEY["facility.name"].cell
    styles.validation(ws, name, kind="textLength", operator="lessThanOrEqual", formula1=str(printing.FACILITY_NAME_CHARS),
                      prompt=f"施設名を{printing.FACILITY_NAME_CHARS}字以内で入力してください（計画書・実績報告書の欄に"
                      "収まる長さ）。", error=f"施設名は{printing.FACILITY_NAME_CHARS}字以内にしてください。")
    for key, kind in _NUMBER_FIELDS.items():
        styles.hidden_helpers(ws, F.num_helpers(layout.S_FACILITY, layout.FIELD_BY_KEY[key].cell, kind))
    fy = layout.FIELD_BY_KEY["fiscal_year"].cell
    styles.text(ws, f"D{fy[1:]}", "=" + F.fiscal_year_label(), bold=True)
    sub = layout.FIELD_BY_KEY["submitted_on"].cell
    styles.text(ws, f"D{sub[1:]}", "=" + F.wareki_date(sub), bold=True)
    first = layout.FIELD_BY_KEY["payment.first_month"].cell
    styles.text(ws, f"D{first[1:]}", "4＝4月 … 3＝翌年3月。初回の月から年度末（3月）までに収まる回数にします。"
                "早期・複数月分の一括の支払が望ましいとされています（Q1）", small=True, wrap=True)
    ws.row_dimensions[int(first[1:])].height = 40
    styles.widths(ws, A=2, B=32, C=34, D=46)
    ws.freeze_panes = "A4"
    styles.protect(ws)
    last = max(int(f.cell[1:]) for f in layout.FACILITY_FIELDS)
    styles.page_a4(ws, print_area=f"A1:D{last}")


_NUMBER_FIELDS = {"facility.capacity": "int", "payment.installments": "int", "payment.first_month": "int",
                  "received_yen": "yen"}


def field_invalid(key: str) -> str | None:
    """TRUE when the reader refuses the cell of field `key` (INPUT_INVALID); None for a field never refused by the
    formulas' reading (texts; the type and the year stop the whole reading; dates typed as text are not mirrored)."""
    f = layout.FIELD_BY_KEY[key]
    x = F.ref(layout.S_FACILITY, f.cell)
    if key in _NUMBER_FIELDS:
        v = F.num_value_ref(layout.S_FACILITY, f.cell)
        bad = F.unreadable(v)
        if key in ("facility.capacity", "received_yen"):
            bad = f"OR({bad},AND(ISNUMBER({v}),N({v})<0))"
        if f.required:  # 支払回数・初回の月: blank is an error too (the engine would take 1 回 / 4月)
            bad = f"OR({bad},{F.is_blank(x)})"
        return bad
    accepted = _ACCEPTED.get(key)
    if accepted is None:
        return None
    ok = F.choice_ok(x, accepted)
    return f"NOT(OR(ISLOGICAL({x}),{ok}))" if key == "facility.tokutei_designated" else f"NOT({ok})"


def field_normalised(key: str) -> str | None:
    """TRUE when the reader reads the cell of field `key` after rewriting it (INPUT_NORMALISED)."""
    cell = layout.FIELD_BY_KEY[key].cell
    x = F.ref(layout.S_FACILITY, cell)
    if key in _NUMBER_FIELDS:
        _, strip, _, v = (F.ref(layout.S_FACILITY, c) for c in F.num_cells(layout.S_FACILITY, cell))
        return F.normalised(x, strip, v)
    accepted = _ACCEPTED.get(key)
    if accepted is None:
        return None
    exact = ",".join(f"EXACT(TRIM({x}),{F.text(a)})" for a in accepted)
    return f"AND(ISTEXT({x}),NOT({F.is_blank(x)}),{F.choice_ok(x, accepted)},NOT(OR({exact})))"


_ACCEPTED = {  # choice cells and what the reader takes in them (layout's readings)
    "facility.subtype": layout.FIELD_BY_KEY["facility.subtype"].choices,
    "facility.tokutei_designated": tuple(layout.YES_NO_READINGS),
    "phase": tuple(layout.PHASE_READINGS),
}



_PROMPTS = {
    "fiscal_year": "年度を西暦で入力してください（令和7年度なら 2025）。",
    "payment.installments": "支払回数を1〜12で入力してください（一括なら1、毎月なら12）。",
    "payment.first_month": "初回の支払月を1〜12で入力してください（4月なら4）。",
    "received_yen": "実績報告のとき、市区町村から受け取った加算額（円）を入力してください。",
    "facility.capacity": "定員（人）を整数で入力してください。",
}
