"""Shared fixtures. Builders live in tests/support (importable as `support.*`: pytest puts tests/ on the path)."""

from __future__ import annotations

import copy

import pytest

from kaigo_xl.demo import sample_payload


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `libreoffice` need soffice: skipped (with the reason) on a machine without it. `make test`
    installs it first, so CI runs them all."""
    from kaigo_xl.xlsx import libreoffice

    if libreoffice.available():
        return
    skip = pytest.mark.skip(reason="LibreOffice (soffice) がインストールされていません（make system-deps）")
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def sample() -> dict:
    return copy.deepcopy(sample_payload())
