"""A municipality's settings for the add-on, loaded from TOML.

The defaults follow the notice (seed 002) and the conventions in the README; a municipality changes them in a
policy file (`kaigo-xl … --policy POLICY.toml`). See `examples/policy.toml` for every key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError, field_validator

from kaigo_xl.errors import PolicyError
from kaigo_xl.files import read_regular
from kaigo_xl.findings import error_message
from kaigo_xl.rules.kasan import NOTICE_RATES_YEN, RATE_R7_YEN
from kaigo_xl.texts import is_clean

MAX_POLICY_BYTES = 1024 * 1024  # a settings file is a few kilobytes


def _printable(value: object) -> object:
    """A setting's text goes onto sheets, forms and the terminal: control characters (ESC, NUL …) and lone
    surrogates are refused here, naming the setting, rather than failing in the writer."""
    if isinstance(value, str) and not is_clean(value):
        raise ValueError("制御文字（画面に見えない文字）か読めない文字があります。普通の文字だけで書いてください")
    if isinstance(value, list):
        for item in value:
            _printable(item)
    return value


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: object) -> object:
        return _printable(value)


class RequirementRule(_Settings):
    """At least `min_count` of `items` (codes such as ア or ⑰), or of a 区分's items when `category` is set."""

    label: str = ""
    items: list[str] = Field(default_factory=list)
    category: str | None = None  # a category id of the catalog, e.g. "productivity"
    each_category: bool = False  # "at least k items in each 区分"
    min_count: int = Field(default=1, ge=1)


def _default_rules() -> list[RequirementRule]:
    # 別添1 2(3)ア: いずれかの取組（ア・イ・ウ）の実施を計画又は既に実施していること
    return [RequirementRule(label="（ア）（イ）（ウ）のいずれか", items=["ア", "イ", "ウ"], min_count=1)]


@dataclass(frozen=True)
class Rate:
    """The 単価 of a fiscal year and whose it is: the municipality's, the notice's, or assumed (no one has set it)."""

    yen: int
    source: str  # "policy" | "notice" | "assumed"


class Policy(_Settings):

    rate_yen: int = Field(default=RATE_R7_YEN, gt=0, description=(
        "職員1人当たりの年額。書いた場合はすべての年度に使う（市区町村の決定）。書かなければ通知の額（令和7年度 54,000円、"
        "別添1 2(2)イ）で、通知が額を示していない年度はこの既定値で仮に計算し「注意」を出す（Q6）"))
    rates_by_fiscal_year: dict[int, PositiveInt] = Field(default_factory=dict, description=(
        "年度（西暦）ごとの職員1人当たりの年額（市区町村の決定。例: {2026 = 54000}）。rate_yen より優先"))
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
    report_requires_done: bool = Field(default=True, description=(
        "実績報告では「実施済」の取組だけを加算要件に数える（市区町村の規則。通知 別添1 2(3)ア の要件は"
        "「計画又は既に実施」で、実績報告について定めていない）"))
    program_name: str = Field(default="介護人材確保・職場環境改善等加算（仮称）", max_length=40, description=(
        "様式に印刷する加算の名称（通知は「（仮称）」を付けている。市区町村が正式名称を決めたら置き換える）"))
    plan_form_label: str = Field(default="参考様式", max_length=20, description="計画書の左上に印刷する様式番号")
    report_form_label: str = Field(default="参考様式", max_length=20, description="実績報告書の左上に印刷する様式番号")
    plan_due: date | None = Field(default=None, description="計画書の提出期限（市区町村が決める。使い方シートに表示）")
    contact: str = Field(default="", max_length=80, description="提出先・問い合わせ先（使い方シートに表示）")

    def rate_for(self, fiscal_year: int) -> Rate:
        """職員1人当たりの年額 of a fiscal year: the municipality's (rates_by_fiscal_year, then an explicit
        rate_yen), else the notice's (令和7年度 only), else rate_yen assumed — whether the add-on continues after
        令和7年度 is under study (Q6)."""
        if fiscal_year in self.rates_by_fiscal_year:
            return Rate(self.rates_by_fiscal_year[fiscal_year], "policy")
        if "rate_yen" in self.model_fields_set:
            return Rate(self.rate_yen, "policy")
        if fiscal_year in NOTICE_RATES_YEN:
            return Rate(NOTICE_RATES_YEN[fiscal_year], "notice")
        return Rate(self.rate_yen, "assumed")

    @property
    def custom_requirements(self) -> bool:
        """True when the municipality replaced the notice's requirement (Q2: 各自治体で代替の要件を設定)."""
        def shape(rules: list[RequirementRule]) -> list[dict]:
            return [r.model_dump(exclude={"label"}) for r in rules]

        return shape(self.requirements) != shape(_default_rules())


def toml_error_place(exc: tomllib.TOMLDecodeError) -> str:
    """「2行目・16文字目の」 from tomllib's English message (its only machine-readable part), or ""."""
    m = re.search(r"at line (\d+), column (\d+)", str(exc))
    return f"{m.group(1)}行目・{m.group(2)}文字目の" if m else ""


def load_policy(path: Path | None) -> Policy:
    if path is None:
        return Policy()
    # a FIFO, a device or a folder is refused before it is read; never more than MAX_POLICY_BYTES are read
    data_bytes = read_regular(Path(path), MAX_POLICY_BYTES, PolicyError, f"設定ファイル {path}")
    too_deep = f"設定ファイル {path} を読み込めません（配列や表の入れ子が深すぎます）。"
    try:
        raw = tomllib.loads(data_bytes.decode("utf-8"))
    except RecursionError:  # arrays or tables nested thousands deep: no setting is written so
        raise PolicyError(too_deep) from None
    except UnicodeDecodeError:
        raise PolicyError(f"設定ファイル {path} を読み込めません（文字コードは UTF-8 で保存してください）。") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"設定ファイル {path} を読み込めません（{toml_error_place(exc)}書き方が正しくありません。"
                          '文字は contact = "高齢福祉課 0123-45-6789" のように " で囲み、日付は plan_due = 2025-06-30 のように'
                          "書きます）。") from None
    except ValueError:  # an integer beyond 4,300 digits: Python refuses to convert it
        raise PolicyError(f"設定ファイル {path} を読み込めません（桁数が多すぎる数値があります）。") from None
    data = raw.get("policy", raw)
    try:
        return Policy.model_validate(data)
    except RecursionError:  # (pydantic walks the same nesting)
        raise PolicyError(too_deep) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PolicyError(f"設定ファイル {path} の「{where}」が正しくありません（{error_message(first)}）") from None
