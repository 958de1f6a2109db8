"""Reading many books in worker processes, surviving any worker's death.

A hostile book can kill the process that parses it (python-calamine aborts on some inputs, the kernel kills a
process out of memory). Books are therefore never parsed in the main process by `collect`: worker processes read
them, and each worker marks in shared memory which book it started and finished. When a worker dies, the pool is
broken and every unfinished book is lost; the books that were *started* but not finished are the suspects. Each
suspect is read again alone, in a fresh one-worker pool: the innocent ones (killed only because the pool broke)
come back, the guilty one kills its private worker again and becomes 読込不可. The other books go on in a new pool.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from kaigo_xl.municipal import collect
from kaigo_xl.municipal.collect import BookResult, unreadable
from kaigo_xl.municipal.text import file_label
from kaigo_xl.policy import Policy

NEW, STARTED, DONE = 0, 1, 2
WORKER_DIED = ("このファイルを読む途中で、読み込み処理が異常終了しました。ファイルが壊れているか、不正な内容を含んでいる"
               "可能性があります。施設に、Excel で開けるか確認し保存し直して再提出するよう依頼してください。")

# Set in each worker by `_init_worker` (process-global by nature: a worker serves one batch).
_paths: Sequence[Path] = ()
_folder = Path()
_policy: Policy | None = None
_state: Any = None


def workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def _init_worker(paths: Sequence[Path], folder: Path, policy: Policy, state: Any) -> None:
    global _paths, _folder, _policy, _state
    _paths, _folder, _policy, _state = paths, folder, policy, state
    _quiet_stderr()


def _quiet_stderr() -> None:
    """What a dying parser writes on its way out (python-calamine: 「memory allocation of … bytes failed」 and a Rust
    backtrace) is not for the clerk, who gets the book as 読込不可 in our words. A worker has nothing else to print:
    its results, errors included, go back to the main process."""
    try:
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
        os.close(quiet)
    except OSError:
        pass  # (no null device: the messages stay as they were)


def _read_index(i: int) -> tuple[int, BookResult]:
    assert _policy is not None
    _state[i] = STARTED
    result = collect.read_book(_paths[i], _folder, _policy)  # looked up at call time: tests replace it
    _state[i] = DONE
    return i, result


def _warm_up() -> None:
    """Import and load what every book needs once, before the workers are forked, so they start ready."""
    from kaigo_xl.catalog import default_catalog
    from kaigo_xl.engine import evaluate  # noqa: F401
    from kaigo_xl.workbook.reader import read_workbook  # noqa: F401

    default_catalog()


def read_books(paths: list[Path], folder: Path, policy: Policy, *, jobs: int | None = None,
               progress: Callable[[], None] = lambda: None, isolate: bool = True) -> list[BookResult]:
    """Results in the order of `paths`. With `isolate` (the default) books are parsed only in worker processes,
    so no book can take the main process down; `isolate=False` reads them here, one after another."""
    if not isolate:
        return [_tick(collect.read_book(p, folder, policy), progress) for p in paths]
    _warm_up()
    jobs = max(1, min(jobs or workers(), len(paths)))
    state = multiprocessing.RawArray("b", len(paths))
    results: dict[int, BookResult] = {}
    pending = list(range(len(paths)))
    while pending:
        for i in pending:
            state[i] = NEW
        try:
            for i, r in _pool(pending, paths, folder, policy, state, jobs):
                results[i] = _tick(r, progress)
        except BrokenProcessPool:
            suspects = [i for i in pending if i not in results and state[i] == STARTED]
            for i in suspects or [i for i in pending if i not in results]:  # none started: try each alone
                results[i] = _tick(_alone(i, paths, folder, policy), progress)
        pending = [i for i in pending if i not in results]
    return [results[i] for i in range(len(paths))]


def _pool(indices: list[int], paths: list[Path], folder: Path, policy: Policy, state: Any,
          jobs: int) -> Iterator[tuple[int, BookResult]]:
    chunk = max(1, min(64, len(indices) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=(paths, folder, policy, state)) as pool:
        yield from pool.map(_read_index, indices, chunksize=chunk)


def _alone(i: int, paths: list[Path], folder: Path, policy: Policy) -> BookResult:
    """One book in its own fresh worker: the result, or 読込不可 if it kills that worker too."""
    state = multiprocessing.RawArray("b", len(paths))
    try:
        with ProcessPoolExecutor(max_workers=1, initializer=_init_worker,
                                 initargs=(paths, folder, policy, state)) as pool:
            return pool.submit(_read_index, i).result()[1]
    except BrokenProcessPool:
        return unreadable(file_label(paths[i], folder), WORKER_DIED)


def _tick(result: BookResult, progress: Callable[[], None]) -> BookResult:
    progress()
    return result
