"""The argument parser of `kaigo-xl`: every subcommand, option and help text (Japanese) in one place."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from kaigo_xl import __version__
from kaigo_xl.errors import ExitCode

Handler = Callable[[argparse.Namespace], int]
LITE_HELP = "xlwings Lite 版にする（ブックに Python のコードを入れ、開くと作業ウィンドウが出る）"


class JapaneseHelpFormatter(argparse.HelpFormatter):
    """argparse's help with 「使い方:」 for "usage:"."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, "使い方: " if prefix is None else prefix)


# argparse's own English messages (Python 3.11+) → Japanese; anything else is shown as it is.
_MESSAGES = (
    (r"the following arguments are required: (.+)", r"次の指定が必要です: \1"),
    (r"unrecognized arguments: (.+)", r"使えない引数・オプションです: \1"),
    (r"invalid choice: (.+) \(choose from (.+)\)", r"\1 は選べません（\2 から選んでください）"),
    (r"expected one argument", "値を1つ指定してください"),
    (r"expected at most one argument", "値は1つまでです"),
    (r"expected at least one argument", "値を1つ以上指定してください"),
    (r"expected (\d+) arguments?", r"値を\1個指定してください"),
    (r"invalid (\w+) value: (.+)", r"値 \2 が正しくありません"),
    (r"ambiguous option: (\S+) could match (.+)", r"オプション \1 はあいまいです（候補: \2）"),
    (r"not allowed with argument (.+)", r"\1 と同時には指定できません"),
    (r"ignored explicit argument (.+)", r"値 \1 は指定できません"),
    (r"one of the arguments (.+) is required", r"\1 のどれかを指定してください"),
)


def japanese(message: str) -> str:
    """An argparse error message in Japanese ("argument --type: invalid choice: …" → "--type: … は選べません…")."""
    m = re.fullmatch(r"argument (\S+?): (.*)", message, re.S)
    prefix, rest = (f"{m.group(1)}: ", m.group(2)) if m else ("", message)
    for pattern, replacement in _MESSAGES:
        if re.fullmatch(pattern, rest, re.S):
            return prefix + re.sub(pattern, replacement, rest, flags=re.S)
    return prefix + rest


class JapaneseParser(argparse.ArgumentParser):
    """argparse speaking Japanese throughout: usage, section titles, -h, and usage errors (exit code 2)."""

    def __init__(self, *args, **kwargs) -> None:
        add_help = kwargs.get("add_help", True)
        kwargs.setdefault("formatter_class", JapaneseHelpFormatter)
        kwargs["add_help"] = False  # ours below, in Japanese
        super().__init__(*args, **kwargs)
        self._positionals.title = "引数"
        self._optionals.title = "オプション"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="この説明を表示して終了する")

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(ExitCode.UNUSABLE_INPUT, f"エラー: コマンドの指定が正しくありません（{japanese(message)}）。"
                                          f"{self.prog} --help で使い方を確認してください。\n")


def fiscal_year(text: str) -> int:
    """A fiscal year as 西暦 (2025 = 令和7年度); the add-on exists from 2025 (別添1 2(2))."""
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"年度「{text}」は西暦の数字で指定してください（例: 2025）") from None
    if not 2025 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"年度 {year} は対象外です。2025（令和7年度）以降を指定してください")
    return year


def _lazy(module: str, name: str) -> Handler:
    """Import a command's module only when it runs, so `kaigo-xl calc x.json` stays quick."""

    def run(args: argparse.Namespace) -> int:
        import importlib

        handler: Handler = getattr(importlib.import_module(f"kaigo_xl.commands.{module}"), name)
        return handler(args)

    return run


Add = Callable[[str, Handler, str], argparse.ArgumentParser]


def build_parser() -> argparse.ArgumentParser:
    p = JapaneseParser(
        prog="kaigo-xl",
        description="介護人材確保・職場環境改善等加算（養護老人ホーム・軽費老人ホーム）の計算・チェック・様式作成",
    )
    p.add_argument("--version", action="version", version=f"kaigo-xl {__version__}", help="バージョンを表示して終了する")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=JapaneseParser, title="コマンド",
                           help="kaigo-xl COMMAND --help で各コマンドの説明")

    def add(name: str, func: Handler, help: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help)
        sp.set_defaults(func=func)
        return sp

    for commands in (_facility_commands, _workbook_commands, _batch_commands, _serve_command):
        commands(add)
    return p


def _facility_commands(add: Add) -> None:
    """calc, check, schema, demo: one facility's input."""
    for name, func, help in (
        ("calc", _lazy("facility", "cmd_calc"), "加算総額・月平均・支払予定を計算する"),
        ("check", _lazy("facility", "cmd_check"), "入力と加算要件をチェックする"),
    ):
        sp = add(name, func, help)
        sp.add_argument("input", type=Path, metavar="INPUT", help="施設の入力（.json または .xlsx）")
        sp.add_argument("--json", action="store_true", help="結果を JSON で出力する")
        sp.add_argument("--policy", type=Path, help="市区町村の設定ファイル（TOML）")
    add("schema", _lazy("facility", "cmd_schema"), "施設入力 JSON の JSON Schema を出力する")
    sp = add("demo", _lazy("demo", "cmd_demo"), "同梱のサンプル施設で一連の処理を実行する")
    sp.add_argument("--out", type=Path, default=Path("out/demo"), help="出力先フォルダー（既定: out/demo）")


def _workbook_commands(add: Add) -> None:
    """template, build-workbooks, forms: the facility's workbook."""
    sp = add("template", _lazy("template", "cmd_template"), "入力用の Excel ブック（様式）を作る")
    sp.add_argument("out", type=Path, metavar="OUT.xlsx", help="作るブックのファイル名（.xlsx）")
    sp.add_argument("--type", dest="facility_type", choices=["養護", "軽費"], default="養護", help="施設の種別")
    sp.add_argument("--fiscal-year", type=fiscal_year, default=2025, help="年度（西暦、既定: 2025 = 令和7年度）")
    sp.add_argument("--data", type=Path, help="あらかじめ入力しておく施設の JSON")
    sp.add_argument("--policy", type=Path, help="市区町村の設定ファイル（TOML）")
    sp.add_argument("--force", action="store_true", help="既にあるファイルを置き換える（バックアップを残す）")
    sp.add_argument("--lite", action="store_true", help=LITE_HELP)

    sp = add("build-workbooks", _lazy("template", "cmd_build_workbooks"), "配布用テンプレート（workbooks/）を再生成する")
    sp.add_argument("out_dir", type=Path, nargs="?", default=Path("workbooks"), metavar="DIR",
                    help="出力先フォルダー（既定: workbooks）")

    sp = add("forms", _lazy("forms", "cmd_forms"), "ブックの計画書・実績報告書シートを作成・更新する")
    sp.add_argument("book", type=Path, metavar="BOOK.xlsx", help="施設の記入済みブック（このブックを更新する）")
    sp.add_argument("--pdf", type=Path, metavar="DIR", help="計画書・実績報告書の PDF を DIR に出力する")
    sp.add_argument("--policy", type=Path, help="市区町村の設定ファイル（TOML）")


def _batch_commands(add: Add) -> None:
    """distribute, collect: the municipality's round."""
    sp = add("distribute", _lazy("batch", "cmd_distribute"), "施設一覧から施設ごとのブックを作って配布用に出力する")
    sp.add_argument("facilities", type=Path, metavar="FACILITIES.(csv|xlsx)",
                    help="施設一覧（見出し: 施設番号・施設名・種別・市区町村 ほか）")
    sp.add_argument("--out", type=Path, required=True, metavar="DIR", help="ブックと 配布一覧.csv を作るフォルダー")
    sp.add_argument("--policy", type=Path, help="市区町村の設定ファイル（TOML）")
    sp.add_argument("--fiscal-year", type=fiscal_year, default=2025, help="年度（西暦、既定: 2025 = 令和7年度）")
    sp.add_argument("--force", action="store_true", help="既にあるブックも作り直す（元のファイルは .bak に残す）")
    sp.add_argument("--lite", action="store_true", help=LITE_HELP)

    sp = add("collect", _lazy("batch", "cmd_collect"), "返ってきたブックを一括でチェック・集計する")
    sp.add_argument("folder", type=Path, metavar="DIR", help="返ってきたブックを置いたフォルダー（サブフォルダーも読む）")
    sp.add_argument("--out", type=Path, required=True, metavar="SUMMARY.xlsx", help="作る集計ブック")
    sp.add_argument("--list", type=Path, metavar="LIST.(csv|xlsx)",
                    help="配布した施設の一覧（distribute が作った 配布一覧.csv または施設一覧）。未提出の施設が分かる")
    sp.add_argument("--fiscal-year", type=fiscal_year, metavar="YEAR",
                    help="集計する年度（西暦。既定: ブックで最も多い年度）。ほかの年度のブックは合計に含めない")
    sp.add_argument("--csv", type=Path, metavar="SUMMARY.csv", help="集計表を CSV でも出力する")
    sp.add_argument("--csv-encoding", choices=["utf-8", "cp932"], default="utf-8",
                    help="CSV の文字コード（既定: utf-8 = BOM 付き UTF-8。cp932 = Shift_JIS）")
    sp.add_argument("--feedback", type=Path, metavar="DIR", help="修正が必要な施設ごとに修正依頼の文面（.txt）を DIR に作る")
    sp.add_argument("--json", action="store_true", help="結果を JSON で出力する（進捗表示なし）")
    sp.add_argument("--policy", type=Path, help="市区町村の設定ファイル（TOML）")


def _serve_command(add: Add) -> None:
    """serve: the Excel add-in server."""
    sp = add("serve", _lazy("serve", "cmd_serve"), "Excel アドイン用のサーバー（xlwings Server）を起動する")
    sp.add_argument("--host", default="127.0.0.1", help="待ち受けるアドレス（既定: 127.0.0.1 = このパソコンだけ）")
    sp.add_argument("--port", type=int, default=8000, help="待ち受けるポート（既定: 8000）")
    sp.add_argument("--ssl-keyfile", type=Path, help="HTTPS の秘密鍵ファイル")
    sp.add_argument("--ssl-certfile", type=Path, help="HTTPS の証明書ファイル")
    sp.add_argument("--allow-unauthenticated", action="store_true",
                    help="認証なしで他のパソコンからの接続を受け付ける（認証付きプロキシの後ろなど）")
