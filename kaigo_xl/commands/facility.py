"""`kaigo-xl calc`, `check` and `schema`: one facility's input (JSON or a filled workbook) → results and findings."""

from __future__ import annotations

import argparse
from pathlib import Path

from kaigo_xl.commands.output import print_findings, print_json
from kaigo_xl.engine import Evaluation, evaluate
from kaigo_xl.errors import ExitCode, UsageError
from kaigo_xl.findings import Finding, Severity, count, has_errors
from kaigo_xl.inputs import load_json
from kaigo_xl.models import FacilityInput
from kaigo_xl.policy import load_policy
from kaigo_xl.report import findings_json, summary_text, to_json

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")  # .xls: the reader's preflight says what it is and what to do


def load_and_evaluate(path: Path, policy_path: Path | None) -> tuple[Evaluation | None, list[Finding]]:
    """A facility input (JSON or workbook) evaluated; (None, findings) when the input cannot be evaluated."""
    policy = load_policy(policy_path)
    if path.is_dir():
        raise UsageError(f"{path}: ファイルではなくフォルダーです。ブックか JSON を1つ指定してください"
                         "（フォルダーのブックをまとめて確かめるときは kaigo-xl collect）。")
    suffix = path.suffix.lower()
    if suffix == ".json":
        inp, findings = load_json(path)  # findings of a usable input are notes (text cleaned, cut)
        return (evaluate(inp, policy, findings=findings), []) if inp is not None else (None, findings)
    if suffix not in WORKBOOK_SUFFIXES:
        raise UsageError(f"{path}: 対応していない形式です（.json または .xlsx を指定してください）。")
    from kaigo_xl.workbook.reader import read_workbook  # imported late: JSON users need no workbook code

    inp, findings, locate = read_workbook(path)
    if inp is None:
        return None, findings
    return evaluate(inp, policy, locate=locate, findings=findings), []


def cmd_calc(args: argparse.Namespace) -> int:
    ev, findings = load_and_evaluate(args.input, args.policy)
    if ev is None:
        if args.json:
            print_json({"monthly_target_fte": None, "average_fte": None, "annual_yen": None, "payments": [],
                        "findings": findings_json(findings)})
        else:
            print(f"{args.input}: 入力に誤りがあるため計算できません。")
            print_findings(findings)
        return ExitCode.FINDINGS
    if args.json:
        print_json(to_json(ev))
    else:
        print(summary_text(ev, str(args.input)))
    return ExitCode.FINDINGS if has_errors(ev.findings) else ExitCode.OK


def cmd_check(args: argparse.Namespace) -> int:
    ev, findings = load_and_evaluate(args.input, args.policy)
    findings = ev.findings if ev is not None else findings
    if args.json:
        print_json({"file": str(args.input), "ok": not has_errors(findings), "findings": findings_json(findings)})
    else:
        e, w, i = (count(findings, s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        verdict = "提出できます" if e == 0 else "エラーを直してください"
        print(f"{args.input}: エラー {e}件、注意 {w}件、情報 {i}件 — {verdict}")
        print_findings(findings)
    return ExitCode.FINDINGS if has_errors(findings) else ExitCode.OK


def cmd_schema(args: argparse.Namespace) -> int:
    del args
    print_json(FacilityInput.model_json_schema())
    return ExitCode.OK
