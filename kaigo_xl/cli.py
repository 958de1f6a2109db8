"""The `kaigo-xl` command.

Exit codes (documented in the README): 0 no error finding, 1 error findings, 2 input cannot be read or bad usage,
3 internal error (a bug: please report it), 4 a write was refused (file locked, changed meanwhile, not writable).
No command ever shows a Python traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_INTERNAL, EXIT_WRITE_REFUSED = 0, 1, 2, 3, 4


class UsageError(Exception):
    """A command used wrongly; the message is Japanese."""


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _load(path: Path, policy_path: Path | None):
    """Read a facility input (JSON or workbook) and evaluate it."""
    from .engine import evaluate
    from .inputs import InputUnreadable, load_json
    from .policy import load_policy

    policy = load_policy(policy_path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        inp, findings = load_json(path)
        if inp is None:
            return None, findings
        return evaluate(inp, policy), []
    if suffix not in (".xlsx", ".xlsm", ".xls"):  # .xls: the reader's preflight says what it is and what to do
        raise InputUnreadable(f"{path}: 対応していない形式です（.json または .xlsx を指定してください）。")
    from .workbook.reader import read_workbook  # imported late: JSON users need no workbook code

    inp, findings, locate = read_workbook(path)
    if inp is None:
        return None, findings
    return evaluate(inp, policy, locate=locate, findings=findings), []


def cmd_calc(args: argparse.Namespace) -> int:
    from .findings import has_errors
    from .report import findings_json, summary_text, to_json

    ev, findings = _load(args.input, args.policy)
    if ev is None:
        if args.json:
            _print_json({"monthly_target_fte": None, "average_fte": None, "annual_yen": None, "payments": [],
                         "findings": findings_json(findings)})
        else:
            print(f"{args.input}: 入力に誤りがあるため計算できません。")
            for f in findings:
                print(f"  {f}")
        return EXIT_FINDINGS
    if args.json:
        _print_json(to_json(ev))
    else:
        print(summary_text(ev, str(args.input)))
    return EXIT_FINDINGS if has_errors(ev.findings) else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .findings import Severity, count, has_errors
    from .report import findings_json

    ev, findings = _load(args.input, args.policy)
    findings = ev.findings if ev is not None else findings
    if args.json:
        _print_json({"file": str(args.input), "ok": not has_errors(findings), "findings": findings_json(findings)})
    else:
        e, w, i = (count(findings, s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        verdict = "提出できます" if e == 0 else "エラーを直してください"
        print(f"{args.input}: エラー {e}件、注意 {w}件、情報 {i}件 — {verdict}")
        for f in findings:
            print(f"  {f}")
    return EXIT_FINDINGS if has_errors(findings) else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from .models import FacilityInput

    _print_json(FacilityInput.model_json_schema())
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(args.out)


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors said in Japanese (exit code 2, as documented)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNREADABLE, f"エラー: コマンドの指定が正しくありません（{message}）。"
                                   f"{self.prog} --help で使い方を確認してください。\n")


def _fiscal_year(text: str) -> int:
    """A fiscal year as 西暦 (2025 = 令和7年度); the add-on exists from 2025 (別添1 2(2))."""
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"年度「{text}」は西暦の数字で指定してください（例: 2025）") from None
    if not 2025 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"年度 {year} は対象外です。2025（令和7年度）以降を指定してください")
    return year


def _handler(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    """Import a command's module only when it runs, so `kaigo-xl calc x.json` stays quick."""

    def run(args: argparse.Namespace) -> int:
        import importlib

        return getattr(importlib.import_module(f"kaigo_xl.{module}"), name)(args)

    return run


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="kaigo-xl",
        description="介護人材確保・職場環境改善等加算（養護老人ホーム・軽費老人ホーム）の計算・チェック・様式作成",
    )
    p.add_argument("--version", action="version", version=f"kaigo-xl {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, func: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help)
        sp.set_defaults(func=func)
        return sp

    for name, func, help in (
        ("calc", cmd_calc, "加算総額・月平均・支払予定を計算する"),
        ("check", cmd_check, "入力と加算要件をチェックする"),
    ):
        sp = add(name, func, help)
        sp.add_argument("input", type=Path, metavar="INPUT", help="施設の入力（.json または .xlsx）")
        sp.add_argument("--json", action="store_true", help="結果を JSON で出力する")
        sp.add_argument("--policy", type=Path, help="市区町村の設定ファイル（TOML）")
    add("schema", cmd_schema, "施設入力 JSON の JSON Schema を出力する")
    sp = add("demo", cmd_demo, "同梱のサンプル施設で一連の処理を実行する")
    sp.add_argument("--out", type=Path, default=Path("out/demo"), help="出力先フォルダー（既定: out/demo）")

    sp = add("template", _handler("workbook.template", "cli_template"), "入力用の Excel ブック（様式）を作る")
    sp.add_argument("out", type=Path, metavar="OUT.xlsx")
    sp.add_argument("--type", dest="facility_type", choices=["養護", "軽費"], default="養護", help="施設の種別")
    sp.add_argument("--fiscal-year", type=_fiscal_year, default=2025, help="年度（西暦、既定: 2025 = 令和7年度）")
    sp.add_argument("--data", type=Path, help="あらかじめ入力しておく施設の JSON")
    sp.add_argument("--policy", type=Path, help="市区町村の設定ファイル（TOML）")
    sp.add_argument("--force", action="store_true", help="既にあるファイルを置き換える（バックアップを残す）")

    sp = add("build-workbooks", _handler("workbook.template", "cli_build_workbooks"),
             "配布用テンプレート（workbooks/）を再生成する")
    sp.add_argument("out_dir", type=Path, nargs="?", default=Path("workbooks"))

    sp = add("forms", _handler("workbook.forms", "cli_forms"), "ブックの計画書・実績報告書シートを作成・更新する")
    sp.add_argument("book", type=Path, metavar="BOOK.xlsx")
    sp.add_argument("--pdf", type=Path, metavar="DIR", help="計画書・実績報告書の PDF を DIR に出力する")
    sp.add_argument("--policy", type=Path, help="市区町村の設定ファイル（TOML）")

    sp = add("distribute", _handler("batch", "cli_distribute"), "施設一覧から施設ごとのブックを作って配布用に出力する")
    sp.add_argument("facilities", type=Path, metavar="FACILITIES.(csv|xlsx)")
    sp.add_argument("--out", type=Path, required=True, metavar="DIR")
    sp.add_argument("--policy", type=Path)
    sp.add_argument("--fiscal-year", type=_fiscal_year, default=2025, help="年度（西暦、既定: 2025 = 令和7年度）")
    sp.add_argument("--force", action="store_true", help="既にあるブックも作り直す（元のファイルは .bak に残す）")

    sp = add("collect", _handler("batch", "cli_collect"), "返ってきたブックを一括でチェック・集計する")
    sp.add_argument("folder", type=Path, metavar="DIR")
    sp.add_argument("--out", type=Path, required=True, metavar="SUMMARY.xlsx")
    sp.add_argument("--csv", type=Path, metavar="SUMMARY.csv")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--policy", type=Path)

    sp = add("serve", _handler("excel.server", "cli_serve"), "Excel アドイン用のサーバー（xlwings Server）を起動する")
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=8000)
    sp.add_argument("--ssl-keyfile", type=Path)
    sp.add_argument("--ssl-certfile", type=Path)
    sp.add_argument("--allow-unauthenticated", action="store_true",
                    help="認証なしで他のパソコンからの接続を受け付ける（認証付きプロキシの後ろなど）")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from .inputs import InputUnreadable
    from .policy import PolicyError
    from .workbook.writer import WriteRefused

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_UNREADABLE
    try:
        return args.func(args)
    except (InputUnreadable, PolicyError, UsageError) as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except WriteRefused as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return EXIT_WRITE_REFUSED
    except KeyboardInterrupt:
        print("中断しました。", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback for users
        print(f"内部エラーが発生しました（{type(exc).__name__}: {exc}）。お手数ですが開発者にお知らせください。",
              file=sys.stderr)
        if "--debug" in sys.argv or __import__("os").environ.get("KAIGO_XL_DEBUG"):
            raise
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
