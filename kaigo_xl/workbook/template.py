"""The distributable workbook: a macro-free .xlsx whose native formulas give the engine's numbers.

`build_template` makes the whole book (sheets in layout.SHEET_ORDER, defined names of layout.NAMES);
`fill_inputs` writes a facility's input into it; `kaigo-xl template` and `kaigo-xl build-workbooks` write it through
kaigo_xl.workbook.writer (atomic, reproducible bytes for the committed files in workbooks/).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

from ..catalog import default_catalog
from ..models import FacilityInput
from ..policy import Policy, load_policy
from ..wareki import fiscal_year_label
from . import layout, styles
from .template_calc import build_calc, build_checks, requirement_checks
from .template_fill import fill_inputs
from .template_inputs import build_expenses, build_facility, build_initiatives, build_monthly, build_roster
from .template_settings import Lists, build_settings
from .writer import WriteRefused, write_workbook

__all__ = ["build_template", "fill_inputs", "cli_template", "cli_build_workbooks", "TEMPLATE_FILES",
           "distributable_templates"]

# The committed templates in workbooks/ (fiscal 2025 = 令和7年度, default policy); `make workbooks` rebuilds them.
TEMPLATE_FILES = {"養護": "kaigo_xl_template_yogo_r7.xlsx", "軽費": "kaigo_xl_template_keihi_r7.xlsx"}
TEMPLATE_FISCAL_YEAR = 2025


def build_template(policy: Policy, facility_type: str = "養護", fiscal_year: int = 2025,
                   data: FacilityInput | None = None) -> Workbook:
    """The whole workbook, with `data` filled in when given."""
    from .forms import add_form_sheets  # the 計画書/実績報告書 sheets (kaigo_xl.workbook.forms)

    catalog = default_catalog()
    lists = Lists(catalog)
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {name: wb.create_sheet(name) for name in layout.SHEET_ORDER if name not in (layout.S_PLAN, layout.S_REPORT)}
    build_guide(sheets[layout.S_GUIDE])
    build_facility(sheets[layout.S_FACILITY], lists)
    build_monthly(sheets[layout.S_MONTHLY], lists)
    build_roster(sheets[layout.S_ROSTER], lists)
    build_initiatives(sheets[layout.S_INITIATIVES], lists, catalog)
    build_expenses(sheets[layout.S_EXPENSES], lists)
    build_calc(sheets[layout.S_CALC], sheets[layout.S_MONTHLY], lists)
    build_checks(sheets[layout.S_CHECKS], policy, catalog, lists)
    build_settings(sheets[layout.S_SETTINGS], policy, catalog, lists,
                   [label for label, _, _ in requirement_checks(policy, catalog)])
    for name, target in layout.NAMES.items():
        wb.defined_names[name] = DefinedName(name, attr_text=target)
    _defaults(wb, policy, facility_type, fiscal_year)
    add_form_sheets(wb, policy)
    wb._sheets.sort(key=lambda ws: layout.SHEET_ORDER.index(ws.title) if ws.title in layout.SHEET_ORDER else 99)
    wb.active = 0
    if data is not None:
        fill_inputs(wb, data)
    return wb


def _defaults(wb: Workbook, policy: Policy, facility_type: str, fiscal_year: int) -> None:
    ws = wb[layout.S_FACILITY]
    cell = {f.key: f.cell for f in layout.FACILITY_FIELDS}
    ws[cell["facility.type"]] = facility_type
    ws[cell["fiscal_year"]] = fiscal_year
    ws[cell["phase"]] = "計画書"
    ws[cell["payment.installments"]] = policy.default_installments
    ws[cell["payment.first_month"]] = policy.default_first_month
    if policy.municipality:
        ws[cell["facility.municipality"]] = policy.municipality
        ws[cell["addressee"]] = policy.mayor_title
    wb[layout.S_MONTHLY][layout.INPUT_METHOD_CELL] = layout.INPUT_METHODS[0]


# ---------------------------------------------------------------- 使い方

_GUIDE = (
    ("このブックについて", (
        "「介護人材確保・職場環境改善等加算」（令和7年3月14日 厚生労働省老健局高齢者支援課 事務連絡）の計画書・実績報告書を"
        "作るための入力用ブックです。マクロは使っていません。Excel だけで加算総額・支払予定・チェックが計算されます。",
        "養護老人ホームは支援員、軽費老人ホームは介護職員の常勤換算数から、特定施設入居者生活介護を担当する職員の分を除いて"
        "計算します（別添1 2(2)）。",
    )),
    ("入力の手順", (
        "1. 「施設情報」: 施設名・種別・施設番号・年度・作成する書類（計画書／実績報告書）・支払回数などを入力します。",
        "2. 「月別職員数」: 4月〜翌年3月の常勤換算数と、そのうち特定施設を担当する職員数を入力します（職員がいない月は 0）。"
        "勤務時間から計算する場合は、入力方法で「勤務形態一覧」を選び、「勤務形態一覧」シートに職員ごとの勤務時間を入力します。",
        "3. 「取組」: （ア）（イ）（ウ）の状況（実施済／実施予定）と具体的な内容を入力します。必要に応じて職場環境等要件①〜㉘の"
        "取組も追加できます。",
        "4. 「経費」: 加算の使い道（人件費・職場環境改善経費）ごとに計画額（実績報告では実績額も）を入力します。",
        "5. 「計算」で対象職員数（月平均）・加算総額・支払予定・返還見込額を確認します。",
        "6. 「チェック」の総合判定が ○ になっていることを確認します。× の行は理由と確認する場所を見て直してください。",
        "7. 「計画書」または「実績報告書」シートを印刷（A4縦）して、市区町村に提出します。",
    )),
    ("セルの色", (
        "黄色のセル: 入力するところです。一覧から選ぶセルは、セルを選ぶと ▼ が表示されます。",
        "緑色のセル: 自動で計算されます（入力できません）。",
        "赤色: チェックで問題が見つかったところです。",
    )),
    ("計算のきまり", (
        "各月の対象職員数 ＝ 職員数（常勤換算）− 特定施設を担当する職員数。12か月の合計を12で除して月平均とします（端数処理なし）。",
        "加算総額 ＝ 月平均 × 54,000円（令和7年度）。月別の数が小数第1位までなら、1円未満の端数は生じません。",
        "支払回数が2回以上のときは、各回 加算総額÷回数（1円未満切り捨て）とし、端数は最終回に加えます（Q1）。",
        "常勤換算（勤務形態一覧）: 勤務時間の合計 ÷（週の時間数×月の日数÷7）を小数点第2位以下切り捨て。常勤専従（A）と、"
        "育児・介護の短時間勤務で週30時間以上の職員は1人と数えます。",
        "介護テクノロジー等の機器購入費用には充当できません（別添1 2(3)イ）。機器の導入は「介護テクノロジー導入・協働化等支援事業」"
        "をご検討ください。",
        "実績報告書は翌年度の4月30日までに提出します（別添1 2(3)ウ）。根拠書類は施設で保管し、求めに応じて提出します（Q3）。",
    )),
    ("シートの保護", (
        "入力欄以外は、誤って数式を消さないよう保護しています（パスワードなし）。「設定」シートの値は市区町村が決めるものです。",
        "kaigo-xl（Python）をお持ちの市区町村は、返ってきたブックを kaigo-xl check / collect で一括チェック・集計できます。",
    )),
)


def build_guide(ws) -> None:
    styles.title(ws, "使い方 — 介護人材確保・職場環境改善等加算 入力ブック（養護老人ホーム・軽費老人ホーム）")
    styles.result_cell(ws, "B2", '="様式の版 "&KX_TEMPLATE_VERSION', fill=None)
    row = 4
    for heading, lines in _GUIDE:
        styles.text(ws, f"A{row}", heading, bold=True, fill=styles.HEADER)
        ws.merge_cells(f"A{row}:B{row}")
        row += 1
        for line in lines:
            styles.text(ws, f"B{row}", line, wrap=True)
            ws.row_dimensions[row].height = 15 * (1 + len(line) // 58)
            row += 1
        row += 1
    styles.text(ws, f"A{row}", "色の見本", bold=True, fill=styles.HEADER)
    ws.merge_cells(f"A{row}:B{row}")
    for fill, label in ((styles.INPUT, "入力するセル"), (styles.RESULT, "自動で計算されるセル"),
                        (styles.ERROR, "チェックで × になったところ")):
        row += 1
        ws[f"A{row}"].fill = fill
        ws[f"A{row}"].border = styles.BOX
        styles.text(ws, f"B{row}", label)
    row += 1
    ws.column_dimensions["A"].width = 4
    ws.column_dimensions["B"].width = 100
    styles.protect(ws)
    styles.page_a4(ws, print_area=f"A1:B{row}")


# ---------------------------------------------------------------- CLI


def distributable_templates(fiscal_year: int = TEMPLATE_FISCAL_YEAR, policy: Policy | None = None) -> dict[str, Workbook]:
    """file name → workbook of each distributable template (養護 and 軽費)."""
    policy = policy or Policy()
    return {name: build_template(policy, ftype, fiscal_year) for ftype, name in TEMPLATE_FILES.items()}


def cli_template(args: argparse.Namespace) -> int:
    from ..cli import EXIT_FINDINGS, EXIT_OK
    from ..inputs import load_json

    out: Path = args.out
    if out.suffix.lower() != ".xlsx":
        from ..cli import UsageError

        raise UsageError(f"{out}: 出力ファイル名は .xlsx で終わるようにしてください。")
    if out.exists() and not args.force:
        raise WriteRefused(f"{out}: 既にファイルがあります。置き換えるときは --force を付けてください"
                           "（元のファイルは .bak として残ります）。")
    policy = load_policy(args.policy)
    data = None
    ftype, fy = args.facility_type, args.fiscal_year
    if args.data is not None:
        data, findings = load_json(args.data)
        if data is None:
            print(f"{args.data}: 入力に誤りがあるためブックを作れません。")
            for f in findings:
                print(f"  {f}")
            return EXIT_FINDINGS
        ftype, fy = data.facility.type.value, data.fiscal_year
    try:
        wb = build_template(policy, ftype, fy, data)
    except ValueError as exc:  # more staff, initiatives or spending lines than the sheets hold
        print(f"{args.data}: {exc}")
        return EXIT_FINDINGS
    backup = write_workbook(wb, out)
    print(f"作成しました: {out}（{fiscal_year_label(fy)}・{ftype}）")
    if backup:
        print(f"元のファイルは {backup} に残しました。")
    return EXIT_OK


def cli_build_workbooks(args: argparse.Namespace) -> int:
    from ..cli import EXIT_OK

    out_dir: Path = args.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, wb in distributable_templates().items():
        write_workbook(wb, out_dir / name, reproducible=True, backup=False)
        print(f"作成しました: {out_dir / name}")
    return EXIT_OK
