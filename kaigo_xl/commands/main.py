"""The entry point of `kaigo-xl`: run one subcommand and turn every outcome into a documented exit code.

Exit codes (kaigo_xl.errors.ExitCode, documented in the README): 0 no error finding, 1 error findings, 2 input
cannot be used or bad usage, 3 internal error (a bug: please report it), 4 a write was refused.
No command ever shows a Python traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from kaigo_xl.commands.parser import build_parser
from kaigo_xl.errors import ExitCode, KaigoError


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:
        return _quiet_broken_pipe()


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # --help and usage errors print here (a closed pipe is handled by main)
    if not getattr(args, "func", None):
        parser.print_help()
        return ExitCode.UNUSABLE_INPUT
    try:
        code = int(args.func(args))
        sys.stdout.flush()
        return code
    except KaigoError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        raise
    except KeyboardInterrupt:
        print("中断しました。", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as exc:
        print(f"内部エラーが発生しました（{type(exc).__name__}: {exc}）。お手数ですが開発者にお知らせください。",
              file=sys.stderr)
        return ExitCode.INTERNAL


def _quiet_broken_pipe() -> int:
    """`kaigo-xl calc x.xlsx | head -1`: the reader went away; exit quietly, as Unix tools do."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # Python would report the failed flush at exit otherwise
    return ExitCode.OK
