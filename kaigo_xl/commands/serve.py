"""`kaigo-xl serve`: the Excel add-in server (xlwings Server)."""

from __future__ import annotations

import argparse


def cmd_serve(args: argparse.Namespace) -> int:
    from kaigo_xl.excel.server import cli_serve  # imported late: the server's packages are an optional extra

    return cli_serve(args)
