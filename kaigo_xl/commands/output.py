"""Printing for the command line: JSON, findings and Japanese lines. One home for how results reach a terminal."""

from __future__ import annotations

import json
from collections.abc import Iterable

from kaigo_xl.findings import Finding


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def print_findings(findings: Iterable[Finding], indent: str = "  ") -> None:
    for f in findings:
        print(f"{indent}{f}")


def print_lines(lines: Iterable[str]) -> None:
    for line in lines:
        print(line)
