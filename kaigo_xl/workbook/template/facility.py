"""施設情報: the facility, the year, the document to make and the payment plan (yellow input cells)."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.workbook import layout, styles
from kaigo_xl.workbook.template import formulas as F
from kaigo_xl.workbook.template.settings import Lists

_FORMATS = {"int": "0", "year": "0", "date": styles.DATE, "month": '0"月"', "yen": styles.YEN}


def build_facility(ws: Worksheet, lists: Lists) -> None:
    styles.title(ws, "施設情報")
    styles.text(ws, "A2", "黄色のセルに入力してください（※は必須）。ここに入力した内容が計画書・実績報告書に反映されます。",
                small=True)
    styles.header(ws, 3, {"B": "項目", "C": "入力", "D": "説明・表示"})
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
        ws.row_dimensions[row].height = 20
    for key, kind in _NUMBER_FIELDS.items():
        styles.hidden_helpers(ws, F.num_helpers(layout.S_FACILITY, layout.FIELD_BY_KEY[key].cell, kind))
    fy = layout.FIELD_BY_KEY["fiscal_year"].cell
    styles.text(ws, f"D{fy[1:]}", "=" + F.fiscal_year_label(), bold=True)
    sub = layout.FIELD_BY_KEY["submitted_on"].cell
    styles.text(ws, f"D{sub[1:]}", "=" + F.wareki_date(sub), bold=True)
    first = layout.FIELD_BY_KEY["payment.first_month"].cell
    styles.text(ws, f"D{first[1:]}", "4＝4月 … 3＝翌年3月。年度末（3月）を越えない回数にしてください（Q1）", small=True)
    styles.widths(ws, A=2, B=32, C=34, D=40)
    ws.freeze_panes = "A4"
    styles.protect(ws)
    last = max(int(f.cell[1:]) for f in layout.FACILITY_FIELDS)
    styles.page_a4(ws, print_area=f"A1:D{last}")


_NUMBER_FIELDS = {"payment.installments": "int", "payment.first_month": "int", "received_yen": "yen"}



_PROMPTS = {
    "fiscal_year": "年度を西暦で入力してください（令和7年度なら 2025）。",
    "payment.installments": "支払回数を1〜12で入力してください（一括なら1、毎月なら12）。",
    "payment.first_month": "初回の支払月を1〜12で入力してください（4月なら4）。",
    "received_yen": "実績報告のとき、市区町村から受け取った加算額（円）を入力してください。",
    "facility.capacity": "定員（人）を整数で入力してください。",
}
