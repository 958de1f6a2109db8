"""The `kaigo-xl` command: the only layer that parses arguments, prints and chooses exit codes. Nothing imports it."""

from kaigo_xl.commands.main import main

__all__ = ["main"]
