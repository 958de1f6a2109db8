"""A municipality's settings for the add-on, loaded from TOML.

The defaults follow the notice (seed 002) and the conventions in the README; a municipality changes them in a
policy file (`kaigo-xl … --policy POLICY.toml`). See `examples/policy.toml` for every key.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kaigo_xl.errors import PolicyError
from kaigo_xl.files import read_regular
from kaigo_xl.findings import error_message

MAX_POLICY_BYTES = 1024 * 1024  # a settings file is a few kilobytes


class RequirementRule(BaseModel):
    """At least `min_count` of `items` (codes such as ア or ⑰), or of a 区分's items when `category` is set."""

    model_config = ConfigDict(extra="forbid")
    label: str = ""
    items: list[str] = Field(default_factory=list)
    category: str | None = None  # a category id of the catalog, e.g. "productivity"
    each_category: bool = False  # "at least k items in each 区分"
    min_count: int = Field(default=1, ge=1)


def _default_rules() -> list[RequirementRule]:
    # 別添1 2(3)ア: いずれかの取組（ア・イ・ウ）の実施を計画又は既に実施していること
    return [RequirementRule(label="（ア）（イ）（ウ）のいずれか", items=["ア", "イ", "ウ"], min_count=1)]


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rate_yen: int = Field(default=54_000, gt=0, description="職員1人当たりの年額（別添1 2(2)イ）")
    divisor: int = Field(default=12, ge=1, le=12, description="月平均の除数（別添1 2(2)ア: 12）")
    yen_rounding: Literal["floor", "half_up", "ceiling"] = Field(
        default="floor", description="加算総額に1円未満が出たときの処理（小数第2位以下の入力時のみ）"
    )
    fte_max: Decimal = Field(default=Decimal(1000), description="1か月の常勤換算数の上限（入力誤り防止）")
    yen_max: int = Field(default=10_000_000_000, gt=0, description="1行の金額の上限（入力誤り防止、円）")
    requirements: list[RequirementRule] = Field(default_factory=_default_rules)
    refund_enabled: bool = Field(default=True, description="返還見込額を計算する")
    refund_includes_overpayment: bool = Field(
        default=True, description="実績の加算総額を超えて受領した分も返還見込額に含める"
    )
    report_due_next_business_day: bool = Field(
        default=False, description="提出期限（4月30日）が土日祝日なら翌開庁日にする"
    )
    default_installments: int = Field(default=1, ge=1, le=12)
    default_first_month: int = Field(default=4, ge=1, le=12)
    municipality: str = Field(default="", description="市区町村名（様式の宛先に使う）")
    mayor_title: str = Field(default="市町村長", description="宛先の職名（例: 〇〇市長）")


def load_policy(path: Path | None) -> Policy:
    if path is None:
        return Policy()
    # a FIFO, a device or a folder is refused before it is read; never more than MAX_POLICY_BYTES are read
    data_bytes = read_regular(Path(path), MAX_POLICY_BYTES, PolicyError, f"設定ファイル {path}")
    try:
        raw = tomllib.loads(data_bytes.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PolicyError(f"設定ファイル {path} を読み込めません（TOML の書式誤り: {exc}）。") from None
    except ValueError:  # an integer beyond 4,300 digits: Python refuses to convert it
        raise PolicyError(f"設定ファイル {path} を読み込めません（桁数が多すぎる数値があります）。") from None
    data = raw.get("policy", raw)
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PolicyError(f"設定ファイル {path} の「{where}」が正しくありません（{error_message(first)}）") from None
