"""Data model of one facility's input and of its computed results.

The JSON input format (the `facility` … `received_yen` keys) is a public interface: scripts and other systems
rely on it, so fields are only ever added, never renamed.

Plan and actual are two sets of monthly figures: `monthly` holds the 見込み of the 計画書 and `monthly_actual` (or
the roster's hours) the 実績 of the 実績報告書. A file written before `monthly_actual` existed (the key is absent)
reads as it always did: in a results report its `monthly` are the actual figures (`kaigo_xl.engine.staffing`).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kaigo_xl.numbers import bound_problem
from kaigo_xl.texts import clean_text, is_clean

# Fiscal-year order of months: 令和7年度 runs from April 2025 to March 2026.
FISCAL_MONTHS: tuple[int, ...] = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


class FacilityType(StrEnum):
    YOGO = "養護"  # 養護老人ホーム: the counted staff are 支援員
    KEIHI = "軽費"  # 軽費老人ホーム (A型/B型/ケアハウス/都市型): the counted staff are 介護職員


class Status(StrEnum):
    DONE = "実施済"
    PLANNED = "実施予定"


class ExpenseCategory(StrEnum):
    PERSONNEL = "人件費"
    WORKPLACE = "職場環境改善経費"
    TECHNOLOGY = "介護テクノロジー機器購入"  # never allowed (別添1 2(3)イ ただし書)


class WorkPattern(StrEnum):
    """勤務形態 of the standard 勤務形態一覧表."""

    A = "A"  # 常勤・専従
    B = "B"  # 常勤・兼務
    C = "C"  # 非常勤・専従
    D = "D"  # 非常勤・兼務


def _within_bounds(value: object) -> object:
    """Every field of every model, whatever built it (JSON, a workbook, the add-in): numbers within
    kaigo_xl.numbers' bounds, text printable and within a cell (kaigo_xl.texts). Readers report these at the cell or
    JSON path first; this is the net under them."""
    if type(value) is str:  # not an enum member (a str too)
        if is_clean(value):
            return value  # (what clean_text would give back)
        cleaned = clean_text(value)
        if cleaned.surrogates:
            raise ValueError("文字として読めない符号（対になっていないサロゲート）があります")
        return cleaned.text
    if isinstance(value, int | Decimal) and type(value) is not bool:
        problem = bound_problem(value)
        if problem is not None:
            raise ValueError(problem)
    elif isinstance(value, dict):
        return {_within_bounds(k): _within_bounds(v) for k, v in value.items()}
    elif isinstance(value, list):
        return [_within_bounds(v) for v in value]
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _bounded(cls, value: object) -> object:
        return _within_bounds(value)


class Facility(_Model):
    name: str = Field(default="", description="施設名")
    type: FacilityType = Field(description="施設種別（養護 / 軽費）")
    number: str = Field(default="", description="施設番号")
    municipality: str = Field(default="", description="市区町村")
    subtype: str = Field(default="", description="軽費老人ホームの類型（A型・B型・ケアハウス・都市型）")
    corporation: str = Field(default="", description="法人名")
    representative: str = Field(default="", description="代表者の職・氏名")
    address: str = Field(default="", description="所在地")
    capacity: int | None = Field(default=None, ge=0, description="定員")
    tokutei_designated: bool | None = Field(
        default=None, description="特定施設入居者生活介護の指定の有無（不明なら null）"
    )
    contact: str = Field(default="", description="担当者・連絡先")


class MonthlyStaffing(_Model):
    month: int = Field(ge=1, le=12, description="月（4…12, 1…3）")
    fte: Decimal = Field(description="支援員（養護）／介護職員（軽費）の常勤換算数")
    tokutei_fte: Decimal = Field(
        default=Decimal(0), description="うち特定施設入居者生活介護を担当する職員の常勤換算数"
    )


class Initiative(_Model):
    code: str = Field(description="ア・イ・ウ または 職場環境等要件の番号（⑰ など）")
    status: Status
    detail: str = Field(default="", description="取組の内容")


class Expense(_Model):
    category: str = Field(description="人件費 / 職場環境改善経費 / 介護テクノロジー機器購入")
    description: str = ""
    planned_yen: int | None = None
    actual_yen: int | None = None


class PaymentPlan(_Model):
    installments: int = Field(default=1, description="支払回数（1…12）")
    first_month: int = Field(default=4, description="初回の月（4…12, 1…3）")


class RosterStaff(_Model):
    """One person of the 勤務形態一覧表 with the hours of each month."""

    name: str = ""
    job: str = Field(description="職種（支援員・介護職員・生活相談員 …）")
    pattern: WorkPattern
    short_time: bool = Field(default=False, description="育児・介護休業法による短時間勤務")
    # month → hours; 措置 work and 特定施設 work kept apart (兼務 staff count only their 措置 hours).
    sochi_hours: dict[int, Decimal] = Field(default_factory=dict)
    tokutei_hours: dict[int, Decimal] = Field(default_factory=dict)


class Roster(_Model):
    weekly_fulltime_hours: Decimal = Field(default=Decimal(40), description="常勤の従業者が勤務すべき週の時間数")
    staff: list[RosterStaff] = Field(default_factory=list)


class FacilityInput(_Model):
    """Everything a facility enters, for a plan or for a results report."""

    facility: Facility
    fiscal_year: int = Field(ge=2000, le=2100, description="年度（2025 = 令和7年度）")
    monthly: list[MonthlyStaffing] = Field(
        default_factory=list, description="月別職員数の見込み（計画書の数値）。monthly_actual がない実績報告では実績として読む")
    monthly_actual: list[MonthlyStaffing] | None = Field(
        default=None, description="月別職員数の実績（実績報告書の数値）。勤務形態一覧（roster）があればそちらから計算する")
    roster: Roster | None = Field(default=None, description="勤務形態一覧（実績の勤務時間）")
    initiatives: list[Initiative] = Field(default_factory=list)
    expenses: list[Expense] = Field(default_factory=list)
    payment: PaymentPlan = Field(default_factory=PaymentPlan)
    received_yen: int | None = Field(default=None, ge=0, description="受領済みの加算額（円）")
    phase: Literal["plan", "report"] | None = Field(
        default=None, description="計画（plan）か実績報告（report）か。省略時は実績の支出があれば report"
    )
    submitted_on: str | None = Field(default=None, description="提出日（YYYY-MM-DD）")
    addressee: str = Field(default="", description="提出先（例: 見本市長）")
