"""The municipality's round in figures: which books count (one fiscal year), what they add up to, what the totals
include, and the documented JSON.

Computing and writing are apart: `Summary` holds every figure (totals are sums of the per-facility results, never
computed again); kaigo_xl.municipal.tables turns it into the rows every writer (summary workbook, CSV) lays out,
and kaigo_xl.municipal.frames into pandas frames of the same rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from kaigo_xl.models import FISCAL_MONTHS
from kaigo_xl.municipal.collect import STATUS_FIX, STATUS_OK, STATUS_UNREADABLE, BookResult
from kaigo_xl.municipal.reconcile import Reconciled, Sent, reconcile
from kaigo_xl.numbers import json_number
from kaigo_xl.rules.payments import calendar_year
from kaigo_xl.wareki import fiscal_year_label, wareki_date, wareki_month
from kaigo_xl.workbook import layout

OTHER_YEAR = "OTHER_FISCAL_YEAR"
YEAR_CELL = layout.cell(layout.S_FACILITY, layout.FIELD_BY_KEY["fiscal_year"].cell)
DEFAULT_FISCAL_YEAR = 2025
SEVERITY_LABEL = {"error": "エラー", "warning": "注意", "info": "情報"}
PHASE_LABEL = {"plan": "計画", "report": "実績"}


@dataclass
class Summary:
    results: list[BookResult]  # readable books of the fiscal year, sorted by facility number then file
    unreadable: list[BookResult]
    skipped: list[str]
    fiscal_year: int
    year_chosen_by: str = "most_common"  # "option" (--fiscal-year) | "most_common" | "default"
    other_years: list[BookResult] = field(default_factory=list)  # kept out of every total
    own_summaries: list[str] = field(default_factory=list)  # summaries kaigo-xl wrote earlier, never read
    round: Reconciled = field(default_factory=lambda: Reconciled(listed=False))
    created: datetime = field(default_factory=datetime.now)

    @property
    def duplicates(self) -> dict[str, list[BookResult]]:
        return self.round.duplicates

    @property
    def facility_count(self) -> int:
        """Facilities among the year's books: several books of one facility (by 施設番号, or the facility the round
        attributed them to) count once; a book without a number counts alone."""
        return len({self.round.identity.get(r.file) or r.number or f"\0{r.file}" for r in self.results})

    @property
    def unit(self) -> str:
        """How a count of the year's books is said: 施設, or 冊 when a facility returned more than one book."""
        return "施設" if len(self.results) == self.facility_count else "冊"

    def count_label(self) -> str:
        """「20施設」, or 「4冊・3施設」 when a facility returned more than one book (the tables have a row per book)."""
        return f"{self.facility_count}施設" if self.unit == "施設" else f"{len(self.results)}冊・{self.facility_count}施設"

    def status_counts(self) -> str:
        """「20施設（提出可 18、要修正 2）」 or 「4冊・3施設（提出可 3冊、要修正 1冊）」: the year's books by status."""
        ok = sum(1 for r in self.results if r.status == STATUS_OK)
        each = "" if self.unit == "施設" else "冊"
        return f"{self.count_label()}（提出可 {ok}{each}、要修正 {len(self.results) - ok}{each}）"

    @property
    def old_template(self) -> list[BookResult]:
        return [r for r in self.results if r.template_old]

    @property
    def books(self) -> list[BookResult]:
        """Every book of the round, in the order of the tables: the year's, unreadable, other years."""
        return [*self.results, *self.unreadable, *self.other_years]

    def total(self, get: Callable[[BookResult], int | None]) -> int:
        return sum(v for r in self.results if (v := get(r)) is not None)

    @property
    def total_annual_yen(self) -> int:
        return self.total(lambda r: r.annual_yen)

    @property
    def reports(self) -> list[BookResult]:
        """The year's 実績報告書 books whose 加算総額 could be computed (settled: never in the payments)."""
        return [r for r in self.results if r.phase == "report" and r.annual_yen is not None]

    @property
    def report_yen(self) -> int:
        return sum(r.annual_yen or 0 for r in self.reports)

    def total_sentence(self) -> str:
        """The headline: 加算総額 and the payments it schedules, with the 実績報告書 part named when plans and
        reports were collected together (their 加算総額 add up in one total; only the plans are paid from here)."""
        mixed = self.reports and any(r.phase == "plan" for r in self.results)
        part = f"うち実績報告書 {len(self.reports)}{self.unit} {self.report_yen:,}円。" if mixed else ""
        return f"加算総額の合計: {self.total_annual_yen:,}円（{part}支払予定の合計 {sum(self.month_totals()):,}円）"

    @property
    def total_average(self) -> Fraction:
        return sum((f for r in self.results if (f := r.average_fraction) is not None), Fraction(0))

    def month_totals(self) -> list[int]:
        return [sum(month) for month in zip(*(r.payments for r in self.results))] or [0] * 12

    def month_labels(self) -> list[str]:
        return [wareki_month(calendar_year(self.fiscal_year, m), m) for m in FISCAL_MONTHS]

    def month_keys(self) -> list[str]:
        return list(_month_keys(self.fiscal_year))

    @property
    def needing_fixes(self) -> list[BookResult]:
        """Books to send back: errors (要修正), unreadable, or of another fiscal year."""
        return [r for r in self.books if r.errors or r.status == STATUS_UNREADABLE]

    @property
    def ok(self) -> bool:
        return not self.needing_fixes

    @property
    def year_label(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    @property
    def created_label(self) -> str:
        """When the summary was made, as officials date things: 令和8年12月2日 9:05."""
        return f"{wareki_date(self.created.date())} {self.created.hour}:{self.created.minute:02d}"

    def year_sentence(self) -> str:
        how = {"option": "--fiscal-year で指定", "default": "年度を読めるブックがないため既定",
               "most_common": "ブックで最も多い年度。ほかの年度は --fiscal-year で指定"}[self.year_chosen_by]
        return f"集計する年度: {self.year_label}（{how}）"

    def notes(self) -> list[str]:
        """The explanations under the 集計 table and in the command's output."""
        out = [self.year_sentence()]
        if self.other_years:
            years = Counter(r.fiscal_year for r in self.other_years)
            out.append("ほかの年度のブック " + "、".join(f"{fiscal_year_label(y or 0)} {n}件"
                                                      for y, n in sorted(years.items(), key=lambda kv: kv[0] or 0))
                       + " は、どの合計・支払予定・グラフにも含めていません（シート「読込不可・対象外」）。")
        out += self.round_notes()
        for number, rs in self.duplicates.items():
            out.append(f"施設番号「{number}」のブックが{len(rs)}件あります（{'、'.join(r.file for r in rs)}）。"
                       "重複を除かずにすべて集計に含めているため、合計はこの施設を重ねて数えています。"
                       "正しいブックを確認し、ほかを回収フォルダーから外して集計し直してください。")
        blank = [r for r in self.results if r.blank]
        if blank and len(blank) == len(self.results):
            out.append(f"どのブックにも職員数・取組・経費が入力されていません（{len(blank)}件。備考欄「未入力」）。"
                       "回収フォルダーではなく、配布したフォルダーを指定していないか確認してください。")
        elif blank:
            out.append(f"職員数・取組・経費が何も入力されていないブックが{len(blank)}件あります（備考欄「未入力」）。"
                       "配布したままのブックが返ってきたのかもしれません。")
        if self.old_template:
            out.append(f"古い版の様式のブックが{len(self.old_template)}件あります（備考欄「旧様式」）。"
                       "新しい様式への入力し直しを依頼してください。")
        if self.unreadable:
            out.append(f"読み込めないファイルが{len(self.unreadable)}件あります（シート「読込不可・対象外」）。集計に含まれていません。")
        if self.skipped:
            out.append(f"Excel ブックではないファイル{len(self.skipped)}件は読み込んでいません（シート「読込不可・対象外」）。")
        if self.own_summaries:
            out.append(f"以前に作った集計ブック{len(self.own_summaries)}件は読み込んでいません。")
        return out + self.total_notes()

    def round_notes(self) -> list[str]:
        rnd = self.round
        if not rnd.listed:
            return ["未提出の施設は分かりません（配布した施設の一覧がないため）。--list 配布一覧.csv（distribute が作った一覧）"
                    "または施設一覧を指定すると、未提出の施設と一覧にない施設を示します。"]
        out = [f"未提出: {len(rnd.missing)}施設（シート「未提出」）。" if rnd.missing else "未提出の施設はありません。"]
        if rnd.not_on_list:
            out.append(f"配布一覧にない施設番号のブックが{len(rnd.not_on_list)}件あります（指摘 NOT_ON_LIST）。")
        if rnd.unidentified:
            out.append(f"読込不可のうち施設を特定できないファイルが{len(rnd.unidentified)}件あります。"
                       "未提出の施設のものかもしれません。")
        return out

    def total_notes(self) -> list[str]:
        """What each total includes, in words, so that 加算総額 and 支払予定 can be told apart."""
        computed = [r for r in self.results if r.annual_yen is not None]
        fix = [r for r in computed if r.status == STATUS_FIX]
        unpaid = [r for r in computed if r.phase == "plan" and sum(r.payments) != r.annual_yen]
        u = self.unit
        out = ["合計行は SUBTOTAL 関数です。フィルターで行を絞り込むと、表示されている行だけを合計します。",
               f"加算総額の合計 {self.total_annual_yen:,}円 は、計算できた{len(computed)}{u}の合計です"
               f"（状態が「要修正」の{len(fix)}{u}・{sum(r.annual_yen or 0 for r in fix):,}円を含みます。"
               f"計算できなかった{len(self.results) - len(computed)}{u}は空欄で、含みません）。",
               f"月別の支払額の合計 {sum(self.month_totals()):,}円 は計画書のブックの支払予定（支払回数・初回の月）"
               f"によります。実績報告書のブック{len(self.reports)}{u}（加算総額 {self.report_yen:,}円）"
               "は支払済みのため含みません。"]
        if unpaid:
            out.append(f"計画書で支払予定が加算総額と合わない{'施設' if u == '施設' else 'ブック'}が{len(unpaid)}{u}あります（"
                       + "、".join(r.number or r.file for r in unpaid) + "）。支払回数・初回の月を確認してください。")
        out.append("読込不可・ほかの年度のブックは、どの合計にも含みません。")
        return out


def choose_year(results: list[BookResult], fiscal_year: int | None) -> tuple[int, str]:
    """The fiscal year of the round: the one asked for, else the most common among the books (ties: the later)."""
    if fiscal_year is not None:
        return fiscal_year, "option"
    years = Counter(r.fiscal_year for r in results if r.fiscal_year and r.status != STATUS_UNREADABLE)
    if not years:
        return DEFAULT_FISCAL_YEAR, "default"
    return max(years.items(), key=lambda kv: (kv[1], kv[0]))[0], "most_common"


def build_summary(results: list[BookResult], skipped: list[str], *, fiscal_year: int | None = None,
                  sent: list[Sent] | None = None) -> Summary:
    """Split the books by fiscal year and readability, reconcile them with the list, and sort the tables."""
    own = [r.file for r in results if r.own_summary]
    books = [r for r in results if not r.own_summary]
    fy, how = choose_year(books, fiscal_year)
    other = [r for r in books if r.status != STATUS_UNREADABLE and r.fiscal_year not in (None, fy)]
    for r in other:
        r.add_finding(OTHER_YEAR, "error", f"このブックは{fiscal_year_label(r.fiscal_year or fy)}のものです（集計している年度は"
                      f"{fiscal_year_label(fy)}）。集計に含めていません。{fiscal_year_label(fy)}のブックを提出してください。",
                      YEAR_CELL)
    elsewhere = {id(r) for r in other}
    readable = [r for r in books if r.status != STATUS_UNREADABLE and id(r) not in elsewhere]
    unreadable = [r for r in books if r.status == STATUS_UNREADABLE]
    rnd = reconcile(readable + unreadable, sent, other)
    for group in (readable, other):
        group.sort(key=lambda r: (r.number == "", r.number, r.file))
    return Summary(readable, unreadable, skipped, fy, how, other, own, rnd)


# ---- JSON ----

def findings_json(r: BookResult) -> list[dict]:
    out = []
    for code, severity, message, location in r.findings:
        sheet, _, cell = location.rpartition("!") if "!" in location else ("", "", location)
        out.append({"code": code, "severity": severity, "sheet": sheet.strip("'") or None, "cell": cell or None,
                    "message": message})
    return out


def _book_json(r: BookResult, summary: Summary) -> dict:
    fy = r.fiscal_year or summary.fiscal_year
    return {
        "number": r.number, "name": r.name, "type": r.type, "file": r.file, "fiscal_year": r.fiscal_year,
        "identity": summary.round.identity.get(r.file) or None,
        "average_fte": _average_json(r.average) if r.average else None,
        "annual_yen": r.annual_yen, "errors": r.errors, "warnings": r.warnings,
        "status": r.status, "phase": r.phase or None, "requirements_ok": r.requirements_ok,
        "refund_yen": r.refund_yen, "template_old": r.template_old, "contact": r.contact or None,
        "payments": [{"month": k, "yen": y} for k, y in zip(_month_keys(fy), r.payments) if y],
        "findings": findings_json(r),
    }


@lru_cache(maxsize=64)
def _month_keys(fiscal_year: int) -> tuple[str, ...]:
    """"2025-04" … "2026-03": the months of a fiscal year as JSON names them."""
    return tuple(f"{calendar_year(fiscal_year, m):04d}-{m:02d}" for m in FISCAL_MONTHS)


@lru_cache(maxsize=4096)
def _average_json(average: tuple[int, int]) -> int | float:
    """The average FTE for JSON, rounded once per distinct average (6 µs each; 3,300 books share a few hundred)."""
    return json_number(Fraction(*average))


def to_json(summary: Summary, out: Path | None = None) -> dict:
    rnd = summary.round
    return {
        "fiscal_year": summary.fiscal_year,
        "fiscal_year_chosen_by": summary.year_chosen_by,
        "facilities": [_book_json(r, summary) for r in summary.results],
        "unreadable": [dict(_book_json(r, summary), message=r.message) for r in summary.unreadable],
        "other_fiscal_years": [_book_json(r, summary) for r in summary.other_years],
        "skipped": summary.skipped,
        "own_summaries": summary.own_summaries,
        "list_given": rnd.listed,
        "missing": None if not rnd.listed else [
            {"row": s.row, "number": s.number, "name": s.name, "file": s.file or None,
             "other_fiscal_year_files": rnd.missing_elsewhere.get(s.number, [])} for s in rnd.missing],
        "not_on_list": [r.file for r in rnd.not_on_list],
        "duplicates": {n: [r.file for r in rs] for n, rs in summary.duplicates.items()},
        "total_annual_yen": summary.total_annual_yen,
        "monthly_payments": [{"month": k, "yen": y} for k, y in zip(summary.month_keys(), summary.month_totals())],
        "summary": str(out) if out else None,
        "ok": summary.ok,
    }


__all__ = ["Summary", "build_summary", "choose_year", "to_json", "STATUS_OK", "STATUS_FIX", "STATUS_UNREADABLE",
           "SEVERITY_LABEL", "PHASE_LABEL"]
