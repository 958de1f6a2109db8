"""Every setting a municipality has is described where it looks: examples/policy.toml and the README."""

from pathlib import Path

import pytest

from kaigo_xl.policy import Policy, load_policy

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize("name", sorted(Policy.model_fields))
def test_each_setting_is_in_the_example_file_and_the_readme(name):
    assert name in (ROOT / "examples" / "policy.toml").read_text(encoding="utf-8"), name
    assert f"`{name}`" in (ROOT / "README.md").read_text(encoding="utf-8"), name


def test_the_example_file_loads_and_keeps_the_notices_requirement():
    policy = load_policy(ROOT / "examples" / "policy.toml")
    assert not policy.custom_requirements and policy.report_requires_done
    assert policy.rate_for(2025).source == "notice"
