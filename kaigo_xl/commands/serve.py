"""`kaigo-xl serve`: the Excel add-in server (xlwings Server), with the project's limits and bind rules."""

from __future__ import annotations

import argparse

from kaigo_xl.errors import ExitCode


def cmd_serve(args: argparse.Namespace) -> int:
    from kaigo_xl.excel.server import get_settings, run_server  # the server is an optional extra

    settings = get_settings()  # a wrong setting raises SettingsError (a UsageError: exit code 2)
    run_server(settings, args.host, args.port, args.ssl_keyfile, args.ssl_certfile,
               allow_unauthenticated=args.allow_unauthenticated)
    return ExitCode.OK
