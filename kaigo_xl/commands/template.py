"""`kaigo-xl template` (a workbook for one facility) and `kaigo-xl build-workbooks` (the committed templates).

With `--lite` the book also carries its own Python for xlwings Lite (kaigo_xl.excel.lite); build-workbooks writes
both variants of each template.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kaigo_xl.commands.output import print_findings
from kaigo_xl.errors import CapacityExceeded, ExitCode, UsageError, WriteRefused
from kaigo_xl.inputs import load_json
from kaigo_xl.policy import load_policy
from kaigo_xl.wareki import fiscal_year_label
from kaigo_xl.workbook.template import build_template, distributable_templates
from kaigo_xl.xlsx.safefile import atomic_write_bytes
from kaigo_xl.xlsx.save import workbook_bytes, write_workbook


def cmd_template(args: argparse.Namespace) -> int:
    out: Path = args.out
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: 出力ファイル名は .xlsx で終わるようにしてください。")
    if out.exists() and not args.force:
        raise WriteRefused(f"{out}: 既にファイルがあります。置き換えるときは --force を付けてください"
                           "（元のファイルは .bak として残ります）。")
    policy = load_policy(args.policy)
    data = None
    ftype, fy = args.facility_type, args.fiscal_year
    notes = []
    if args.data is not None:
        data, findings = load_json(args.data)
        if data is None:
            print(f"{args.data}: 入力に誤りがあるためブックを作れません。")
            print_findings(findings)
            return ExitCode.FINDINGS
        ftype, fy = data.facility.type.value, data.fiscal_year
        notes = findings  # texts cleaned or cut on reading: said below
    try:
        wb = build_template(policy, ftype, fy, data)
    except CapacityExceeded as exc:
        raise CapacityExceeded(f"{args.data}: {exc}") from None
    if args.lite:
        from kaigo_xl.excel.lite import make_lite

        backup = atomic_write_bytes(out, make_lite(workbook_bytes(wb, fixed_time=None)))
    else:
        backup = write_workbook(wb, out)
    variant = "・xlwings Lite 版" if args.lite else ""
    print(f"作成しました: {out}（{fiscal_year_label(fy)}・{ftype}{variant}）")
    if backup:
        print(f"元のファイルは {backup} に残しました。")
    print_findings(notes)
    return ExitCode.OK


def cmd_build_workbooks(args: argparse.Namespace) -> int:
    from kaigo_xl.excel.lite import lite_name, make_lite

    out_dir: Path = args.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, wb in distributable_templates().items():
        data = workbook_bytes(wb)
        for target, content in ((name, data), (lite_name(name), make_lite(data))):
            atomic_write_bytes(out_dir / target, content, backup=False)
            print(f"作成しました: {out_dir / target}")
    return ExitCode.OK
