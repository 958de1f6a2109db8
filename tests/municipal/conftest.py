"""Fixtures of the municipal tests: one realistic round (tests/support/municipal_round.py), made once."""

from __future__ import annotations

import pytest
from support.municipal_round import Round, kx, make_round


@pytest.fixture(scope="session")
def municipal_round(tmp_path_factory) -> Round:
    return make_round(tmp_path_factory.mktemp("round"))


@pytest.fixture(scope="session")
def collected_round(municipal_round):
    """collect with the distribution list, the CSV, feedback files and JSON."""
    rnd = municipal_round
    out = rnd.out
    r = kx("collect", rnd.back, "--out", out / "集計.xlsx", "--list", rnd.manifest, "--csv", out / "集計.csv",
           "--feedback", out / "修正依頼", "--json")
    return r, out
