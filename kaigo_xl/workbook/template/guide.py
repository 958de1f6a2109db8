"""使い方: how to fill in the book, the colours, the rules of the calculation and whose rule each one is."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.workbook import styles

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


def build_guide(ws: Worksheet) -> None:
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
