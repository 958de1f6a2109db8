"""All benchmarks, one after another (`make bench`). Each prints a Markdown table with ratios to its own baseline.

    .venv/bin/python benchmarks/run_all.py            # engine, add-in, collect and its tail, distribute (a few minutes)
    .venv/bin/python benchmarks/run_all.py --quick    # smaller N for a first look
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    runs = [
        ["engine.py"] + (["--n", "200"] if quick else []),
        ["addin.py"] + (["--n", "100", "--script-runs", "3"] if quick else []),
        ["collect.py", "--baseline-limit", "330"] + (["--n", "330"] if quick else []),
        ["summary.py"] + (["--n", "330"] if quick else []),
        ["distribute.py"] + (["--sizes", "100"] if quick else []),
    ]
    code = 0
    for args in runs:
        print(f"\n## {args[0]}\n", flush=True)
        code |= subprocess.call([sys.executable, str(HERE / args[0]), *args[1:]])
    return code


if __name__ == "__main__":
    sys.exit(main())
