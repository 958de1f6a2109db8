"""使い方: how to fill in and return the book, the municipality's deadlines and contact, the colours, the rules of
the calculation and whose rule each one is (the notice's, the municipality's, this tool's), and the related support
measures (data/support_measures.toml)."""

from __future__ import annotations

import math

from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.catalog import Catalog
from kaigo_xl.rules import printing
from kaigo_xl.workbook import layout, styles
from kaigo_xl.workbook.template import formulas as F

_CHARS_PER_LINE = 50  # column B (100 units) at 10 pt, with room to spare

_GUIDE = (
    ("このブックについて", (
        "「介護人材確保・職場環境改善等加算（仮称）」（令和7年3月14日 厚生労働省老健局高齢者支援課 事務連絡）の計画書・"
        "実績報告書を作るための入力用ブックです。マクロは使っていません。Excel だけで加算総額・支払予定・チェックが計算されます。",
        "計画書・実績報告書はこのツールの参考様式です（通知の別紙様式ではありません。市区町村の様式番号は設定シートで変えられます）。",
        "養護老人ホームは支援員、軽費老人ホームは介護職員の常勤換算数から、特定施設入居者生活介護を担当する職員の分を除いて"
        "計算します（別添1 2(2)）。",
    )),
    ("入力の手順", (
        "1. 「施設情報」: 施設名・種別・施設番号・年度・作成する書類（計画書／実績報告書）・支払回数などを入力します。",
        "2. 「月別職員数」: 計画書では4月〜翌年3月の常勤換算数の「見込み」（C・D列）を入力します。実績報告書では「実績」"
        "（E・F列）を入力するか、実績の入力方法で「勤務形態一覧」を選んで職員ごとの勤務時間を入力します。見込みは消さずに残し"
        "ます（実績報告書に計画として並べて印刷されます）。職員がいない月は 0 を入力します。",
        "3. 「取組」: （ア）（イ）（ウ）の状況（実施済／実施予定）と具体的な内容を入力します。必要に応じて職場環境等要件①〜㉘の"
        "取組も追加できます。",
        "4. 「経費」: 加算の使い道（人件費・職場環境改善経費）ごとに計画額（実績報告では実績額も）を入力します。",
        "5. 「計算」で対象職員数（月平均）・加算総額・支払予定・返還見込額を確認します。",
        "6. 「チェック」のエラーが0件（総合判定 ○）になるまで直します。× の行の「確認する場所」をクリックすると、そのセルに"
        "移動します（入力欄は赤くなっています）。エラーがある間は、計画書・実績報告書の上部に「未完成」と表示されます。",
        "7. 「計画書」または「実績報告書」シートを印刷（A4縦2ページ）して、市区町村に提出します。",
        "8. このブック（.xlsx）は、ファイル名を変えずにそのまま市区町村へ返送してください（ファイル名の施設番号と施設名で"
        "照合・集計します）。マクロ付き（.xlsm）や別の形式で保存し直さないでください。",
    )),
    ("セルの色", (
        "黄色のセル: 入力するところです。一覧から選ぶセルは、セルを選ぶと ▼ が表示されます。",
        "緑色のセル: 自動で計算されます（入力できません）。",
        "赤色: チェックで問題が見つかったところです（チェックシートの「確認する場所」が指すセル）。",
        f"文字数: 施設名は{printing.FACILITY_NAME_CHARS}字、取組の内容は{printing.INITIATIVE_DETAIL_CHARS}字、"
        f"同じ区分の経費の内容は合わせて{printing.EXPENSE_DESCRIPTION_CHARS}字までが様式に印刷されます。",
    )),
    ("計算のきまり（【通知】事務連絡の内容、【市区町村】市区町村の設定、【ツール】このブックの取扱い）", (
        "【通知】各月の対象職員数 ＝ 職員数（常勤換算）− 特定施設を担当する職員数。12か月の合計を12で除して月平均とします"
        "（別添1 2(2)ア）。",
        "【通知】加算総額 ＝ 月平均 × 54,000円（令和7年度、別添1 2(2)イ）。令和8年度以降の額は示されておらず、加算を続けるか"
        "どうかも国で検討中です（Q6）。その年度の額は市区町村が設定します。",
        "【ツール】月平均は端数処理しません。月別の数が小数第1位までなら、1円未満の端数は生じません。",
        "【通知】Q1: 12か月に分けると1人1か月4,500円、6か月なら9,000円。早期・複数月分の一括の支払が望ましいとされています。",
        "【ツール】支払回数が2回以上のときは、各回 加算総額÷回数（1円未満切り捨て）とし、端数は最終回に加えます"
        "（通知にはない、このブックの取扱いです）。",
        "【ツール】計画書の加算総額・支払予定は「見込み」から、実績報告書の加算総額と返還見込額は「実績」から計算します。",
        "【ツール】常勤換算（勤務形態一覧）: 勤務時間の合計 ÷（週の時間数×月の日数÷7）を小数点第2位以下切り捨て。常勤専従（A）と、"
        "育児・介護の短時間勤務で週30時間以上の職員は1人と数えます（介護保険の勤務形態一覧表の方法）。",
        "【通知】加算要件: （ア）（イ）（ウ）のいずれかを計画又は既に実施していること（別添1 2(3)ア）。市区町村が代替の要件を"
        "定めることもできます（Q2）。⑰・⑱・㉓ が（イ）（ア）（ウ）に当たるというのは、このブックの読み方です。",
        "【市区町村】実績報告書では「実施済」の取組だけを要件に数えるかどうか（設定シート）。",
        "【通知】介護テクノロジー等の機器購入費用には充当できません（別添1 2(3)イ）。機器の導入は「介護テクノロジー導入・"
        "協働化等支援事業」（養護老人ホーム等も新たに助成対象とする予定、別添1 2(4)）をご検討ください。【ツール】経費の内容に"
        "見守りセンサー・インカム等の語があると注意を表示します。",
        "【市区町村】返還見込額 ＝ 受領額 −（受領額・実績の加算総額・対象経費の実績のうち最も小さい額）（通知には精算の定めが"
        "ありません。計算のしかたは設定シート）。",
        "【通知】実績報告書は翌年度の4月30日までに提出します（別添1 2(3)ウ(イ)）。根拠書類は施設で保管し、求めに応じて"
        "提出します（Q3）。",
    )),
    ("Excel アドイン（なくても使えます）", (
        "このブックは Excel の数式だけで計算・チェック・様式の作成ができます。アドインを入れなくてもかまいません。",
        "xlwings Lite 版のブック（ファイル名が「_lite」で終わるもの。開くと右側に xlwings Lite の作業ウィンドウが出ます）には、"
        "計算に使う Python のコードが入っています。無料のアドイン「xlwings Lite」を一度追加すると、作業ウィンドウのボタン"
        "（入力チェック・計画書作成・実績報告書作成・支払予定表）とセルの関数（=AVERAGE_FTE など）が使えます。",
        "xlwings Lite の追加: 「ホーム」タブの「アドイン」（古い Excel では「挿入」→「アドインを入手」）→ 検索欄に「xlwings」→"
        "「xlwings Lite」の「追加」。Microsoft Marketplace（Office アドイン ストア）から無料で入ります（個人・業務とも無料、登録不要）。"
        "初めてのときは確認の画面が出るので、内容を確かめて「続行」「信頼する」を選びます。",
        "メールやインターネットから受け取ったブックは、画面上部の「編集を有効にする」を押すまでアドインが動きません。",
        "職場の Microsoft 365 でストアのアドインが管理者によって制限されていると、自分では追加できません。情報システム担当者に"
        "xlwings Lite の展開（Microsoft 365 管理センターの「統合アプリ」）か許可を依頼してください（展開されると「管理者による管理」"
        "に表示されます）。",
        "必要なもの: Microsoft 365 または Excel 2021 以降（Windows・Mac）、または Excel on the web。アドインはインターネットから"
        "読み込まれるため、インターネットに接続できない PC では使えません（ブックは数式だけで使えます）。",
        "市区町村がサーバー版のアドイン（リボンの「介護加算」タブ）を用意している場合は、同じボタンと関数（=KAIGO.AVERAGE_FTE など）が"
        "そちらでも使えます。",
    )),
    ("シートの保護", (
        "入力欄以外は、誤って数式を消さないよう保護しています（パスワードなし）。「設定」シートの値は市区町村が決めるものです。",
        "kaigo-xl（Python）をお持ちの市区町村は、返ってきたブックを kaigo-xl check / collect で一括チェック・集計できます。",
    )),
)


def _lines(ws: Worksheet, row: int, lines: tuple[str, ...]) -> int:
    for line in lines:
        styles.text(ws, f"B{row}", line, wrap=True)
        ws.row_dimensions[row].height = 15 * math.ceil(len(line) / _CHARS_PER_LINE) + 2
        row += 1
    return row


def _heading(ws: Worksheet, row: int, text: str) -> None:
    styles.text(ws, f"A{row}", text, bold=True, fill=styles.HEADER)
    ws.merge_cells(f"A{row}:B{row}")


def _submission(ws: Worksheet, row: int) -> int:
    """The municipality's deadlines and contact (設定 sheet, from the policy file)."""
    _heading(ws, row, "提出期限・提出先（市区町村の設定）")
    plan_due = F.setting("plan_due")
    contact = F.setting("contact")
    rows = (
        f'="計画書の提出期限: "&IF(ISNUMBER({plan_due}),{F.wareki_date(plan_due)},"{layout.PLAN_DUE_UNSET}")',
        '="実績報告書の提出期限: "&IF(ISNUMBER(KX_REPORT_DUE),' + F.wareki_date("KX_REPORT_DUE") +
        ',"（施設情報の年度を入力すると表示）")&"（翌年度の4月30日、別添1 2(3)ウ(イ)）"',
        f'="提出先・問い合わせ先: "&IF(TRIM({contact})="","{layout.CONTACT_UNSET}",{contact})',
    )
    for formula in rows:
        row += 1
        styles.text(ws, f"B{row}", formula, wrap=True, bold=True)
        ws.row_dimensions[row].height = 32
    return row + 2


def _measures(ws: Worksheet, row: int, catalog: Catalog) -> int:
    """関連する支援策 (the ministry's leaflet): name, summary, who may use it, source."""
    _heading(ws, row, "関連する支援策（介護保険最新情報 Vol.1364 のリーフレットほか。kaigo_xl/data/support_measures.toml）")
    row += 1
    for m in catalog.measures_for("overview"):
        styles.text(ws, f"B{row}", f"■ {m['name']}", bold=True)
        row += 1
        row = _lines(ws, row, (m["summary"], "対象: " + "、".join(m.get("eligible", [])), "出典: " + m.get("source", "")))
    return row + 1


def build_guide(ws: Worksheet, catalog: Catalog) -> None:
    styles.title(ws, "使い方（介護人材確保・職場環境改善等加算（仮称） 入力ブック）")
    ws.merge_cells("A1:B1")
    styles.result_cell(ws, "A2", '="養護老人ホーム・軽費老人ホーム用　様式の版 "&KX_TEMPLATE_VERSION', fill=None)
    ws.merge_cells("A2:B2")
    row = _submission(ws, 4)
    for heading, lines in _GUIDE:
        _heading(ws, row, heading)
        row = _lines(ws, row + 1, lines) + 1
    row = _measures(ws, row, catalog)
    _heading(ws, row, "色の見本")
    for fill, label in ((styles.INPUT, "入力するセル"), (styles.RESULT, "自動で計算されるセル"),
                        (styles.ERROR, "チェックで問題が見つかったところ")):
        row += 1
        ws[f"A{row}"].fill = fill
        ws[f"A{row}"].border = styles.BOX
        styles.text(ws, f"B{row}", label)
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 100
    ws.sheet_properties.tabColor = "4472C4"
    styles.protect(ws)
    styles.page_a4(ws, print_area=f"A1:B{row}")
