"""`kaigo-xl distribute`: one prefilled workbook per facility of the list, and 配布一覧.csv saying what was made.

The book of a facility is exactly `build_template(policy, type, year, input)` with the facility's 施設情報 filled
in (a test compares the two). Building is slow (about a second), so we build one book per facility type and copy
it with the facility's cells patched in (kaigo_xl.xlsx.cellpatch): 300 facilities take a few seconds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaigo_xl.errors import WriteRefused, os_error_message
from kaigo_xl.models import FacilityInput, PaymentPlan
from kaigo_xl.municipal.facility_list import Entry, parse_list
from kaigo_xl.municipal.filenames import UniqueNames
from kaigo_xl.municipal.text import csv_cell, shown
from kaigo_xl.policy import Policy
from kaigo_xl.wareki import fiscal_year_label
from kaigo_xl.workbook import layout
from kaigo_xl.xlsx.safefile import FolderTemps, atomic_write_bytes
from kaigo_xl.xlsx.save import workbook_bytes, write_workbook

MANIFEST_NAME = "配布一覧.csv"
MADE, NOT_MADE, KEPT, FAILED = "作成", "作成せず", "既存のため作成せず", "作成できず"

Progress = Callable[[int, str, bool], AbstractContextManager[Callable[[], None]]]


def no_progress(total: int, label: str, enabled: bool) -> AbstractContextManager[Callable[[], None]]:
    """The default Progress: nothing shown (the command line passes a progress bar)."""
    del total, label, enabled
    return nullcontext(lambda: None)


@dataclass
class Report:
    source: Path
    out: Path
    fiscal_year: int
    entries: list[Entry] = field(default_factory=list)
    files: dict[int, str] = field(default_factory=dict)  # row → file name
    kept: dict[int, str] = field(default_factory=dict)  # row → existing file left as it was (no --force)
    failed: dict[int, str] = field(default_factory=dict)  # row → why its book could not be saved (a full disk …)
    write_error: str = ""  # the first failed write: the rows after it were not attempted
    manifest_error: str = ""  # 配布一覧.csv itself could not be saved
    unset: list[tuple[str, str]] = field(default_factory=list)  # (setting, what 使い方 shows instead)

    @property
    def bad(self) -> list[Entry]:
        return [e for e in self.entries if e.problems]

    def lines(self) -> list[str]:
        made = len(self.files)
        out = [f"{fiscal_year_label(self.fiscal_year)}のブックを {made}施設分 作成しました: {self.out}"]
        if self.kept:
            out.append(f"既にあるブック {len(self.kept)}件 はそのままにしました（施設が入力済みかもしれないため。"
                       "作り直すときは --force。元のファイルは .bak に残ります）。")
        if self.bad:
            out.append(f"作成できなかった行が {len(self.bad)}行 あります（{self.source}）:")
            out += [f"  {e.row}行目: {' '.join(e.problems)}" for e in self.bad]
        for e in self.entries:
            if e.notes and not e.problems:
                out += [f"  {e.row}行目（注意）: {note}" for note in e.notes]
        if self.write_error:
            out.append(f"保存に失敗したため、{len(self.failed)}施設のブックを作成できませんでした: {self.write_error}")
            out += [f"  {row}行目: 作成できず" for row in self.failed]
        if self.manifest_error:
            out.append(f"配布一覧を保存できませんでした: {self.manifest_error}")
            out += [f"  作成済み: {name}" for name in self.files.values()]
        else:
            out.append(f"配布一覧: {self.out / MANIFEST_NAME}")
        if self.unset and self.files:
            out += [f"注: 設定ファイルに{what}がないため、ブックの「使い方」シートには「{shown_instead}」と表示されます。"
                    for what, shown_instead in self.unset]
            out.append("  設定ファイルに書いて --policy で指定すると、その内容が表示されます（examples/policy.toml を参照。"
                       "作り直すときは --force）。")
        return [shown(line) for line in out]


def facility_input(entry: Entry, policy: Policy, fiscal_year: int) -> FacilityInput:
    """What a distributed book holds before the facility types anything: its 施設情報 and the policy's defaults."""
    assert entry.facility is not None
    default_title = Policy.model_fields["mayor_title"].default
    addressee = (policy.mayor_title if policy.mayor_title != default_title
                 else f"{entry.municipality}長" if entry.municipality else "")
    return FacilityInput(facility=entry.facility, fiscal_year=fiscal_year, phase="plan", addressee=addressee,
                         payment=PaymentPlan(installments=policy.default_installments,
                                             first_month=policy.default_first_month))


def distribute(source: Path, out: Path, policy: Policy, fiscal_year: int,
               progress: Progress = no_progress, force: bool = False,
               finish: Callable[[bytes], bytes] | None = None) -> Report:
    """Read the list, write every good row's book into `out`, and 配布一覧.csv; bad rows are reported, not fatal.

    A book that already exists is left alone unless `force`: after distribution it may hold a facility's input.
    `finish` turns the bytes of each built book into the distributed ones (`--lite`: kaigo_xl.excel.lite.make_lite).
    """
    report = Report(source, out, fiscal_year, parse_list(source, policy))
    report.unset = [(label, instead) for label, instead, missing in (
        ("計画書の提出期限（plan_due）", f"計画書の提出期限: {layout.PLAN_DUE_UNSET}", policy.plan_due is None),
        ("提出先・問い合わせ先（contact）", f"提出先・問い合わせ先: {layout.CONTACT_UNSET}", not policy.contact.strip()))
        if missing]
    good = [e for e in report.entries if not e.problems]
    make_folder(out)
    names = UniqueNames({MANIFEST_NAME})
    makers: dict[str, Callable[[FacilityInput], bytes]] = {}
    temps = FolderTemps(out)
    with progress(len(good), "ブックを作成しています", True) as tick:
        for e in good:
            if report.write_error:  # the disk is full or gone: the rest would fail the same way
                report.failed[e.row] = report.write_error
                continue
            inp = facility_input(e, policy, fiscal_year)
            make = makers.get(e.type) or makers.setdefault(e.type, _maker(policy, e.type, fiscal_year, inp, finish))
            name = names.claim(f"{e.number}_{e.name}")
            path = out / name
            if path.exists() and not force:
                report.kept[e.row] = name
            else:
                try:
                    atomic_write_bytes(path, make(inp), backup=path.exists(), temps=temps)
                    report.files[e.row] = name
                except (WriteRefused, OSError) as exc:
                    report.write_error = str(exc) if isinstance(exc, WriteRefused) else os_error_message(path, exc, "保存できません")
                    report.failed[e.row] = report.write_error
            tick()
    try:
        atomic_write_bytes(out / MANIFEST_NAME, manifest_bytes(report), backup=(out / MANIFEST_NAME).exists())
    except (WriteRefused, OSError) as exc:
        report.manifest_error = str(exc) if isinstance(exc, WriteRefused) else os_error_message(
            out / MANIFEST_NAME, exc, "保存できません")
    return report


def make_folder(folder: Path) -> None:
    """Create the output folder, or refuse (exit code 4) with a Japanese message saying why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise WriteRefused(f"{folder}: 同じ名前のファイルがあるため、フォルダーを作れません。") from None
    except OSError as exc:
        raise WriteRefused(f"{folder}: フォルダーを作れません（{exc.strerror or exc}）。") from None


def _maker(policy: Policy, facility_type: str, fiscal_year: int, first: FacilityInput,
           finish: Callable[[bytes], bytes] | None = None) -> Callable[[FacilityInput], bytes]:
    """Bytes of a facility's book: patched copies of one built book, or (if a cell cannot be patched) a full build."""
    from kaigo_xl.workbook.template import build_template
    from kaigo_xl.workbook.template.fill import facility_cell_values
    from kaigo_xl.xlsx.cellpatch import BookPatcher

    def built(inp: FacilityInput) -> bytes:
        data = workbook_bytes(build_template(policy, facility_type, fiscal_year, inp), fixed_time=None)
        return finish(data) if finish else data

    def cells(inp: FacilityInput) -> dict[str, Any]:
        values = facility_cell_values(inp)
        if not values.get("addressee"):
            values.pop("addressee", None)  # fill_inputs keeps the policy's addressee
        return {layout.FIELD_BY_KEY[k].cell: v for k, v in values.items()}

    prototype = BookPatcher(built(first))
    if not prototype.has_cells(layout.S_FACILITY, cells(first)):
        return built
    return lambda inp: prototype.render({layout.S_FACILITY: cells(inp)})


def manifest_bytes(report: Report) -> bytes:
    """配布一覧.csv: UTF-8 with a BOM (Excel reads it correctly), text that looks like a formula neutralised."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["行", "施設番号", "施設名", "種別", "市区町村", "ファイル", "状態", "理由・注意"])
    for e in report.entries:
        state = (MADE if e.row in report.files else KEPT if e.row in report.kept
                 else FAILED if e.row in report.failed else NOT_MADE)
        why = e.problems + e.notes + ([report.failed[e.row]] if e.row in report.failed else [])
        w.writerow([csv_cell(v) for v in (e.row, e.number, e.name, e.type, e.municipality,
                                          report.files.get(e.row, "") or report.kept.get(e.row, ""),
                                          state, " ".join(why))])
    return buf.getvalue().encode("utf-8-sig")


def write_one(entry: Entry, path: Path, policy: Policy, fiscal_year: int) -> None:
    """A single facility's book with openpyxl (the slow, reference path; used by tests to compare)."""
    from kaigo_xl.workbook.template import build_template

    inp = facility_input(entry, policy, fiscal_year)
    write_workbook(build_template(policy, entry.type, fiscal_year, inp), path, backup=path.exists())
