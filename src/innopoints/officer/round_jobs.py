"""Running a scoring round from the web: a background thread in the worker that received the request, its
progress kept as a small JSON record under ``<data_dir>/round_jobs/`` so every server worker process can
show it (the page polls it). One round runs at a time (a lock file names the running job). The round itself
is stored by ``scoring.service.run_db_round`` like the CLI does; optionally it is screened into the pool."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from innopoints.bootstrap import Container
from innopoints.errors import UserError

log = logging.getLogger(__name__)

SCORING_STEPS = (
    "读取企业与指标数据",
    "准备梯度评价输入（多年指标）",
    "计算积分、排名与梯度",
    "保存批次结果与输入快照",
)
SCREEN_STEP = "筛选培育库"
YEARS = range(2000, 2101)
LOCK = "running.lock"
KEEP = 50  # job records kept (oldest removed)
GONE = "运行评价的服务进程已退出，任务中断；请重新运行"


@dataclass
class RoundJob:
    id: str
    year: int
    screen: bool
    started_by: str
    started_at: datetime
    steps: tuple[str, ...]
    pid: int = 0
    phase: str = "排队中"
    step: int = 0
    done: bool = False
    error: str | None = None
    round_id: int | None = None
    firms: int | None = None
    pool_members: int | None = None
    seconds: float | None = None

    @property
    def percent(self) -> int:
        if self.done:
            return 100
        return int(self.step * 100 / (len(self.steps) + 1))

    @property
    def ok(self) -> bool:
        return self.done and self.error is None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["steps"] = list(self.steps)
        out["percent"] = self.percent
        del out["pid"]
        return out

    def to_json(self) -> str:
        raw = asdict(self)
        raw["started_at"] = self.started_at.isoformat()
        raw["steps"] = list(self.steps)
        return json.dumps(raw, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> RoundJob:
        raw = json.loads(text)
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known}
        values["started_at"] = datetime.fromisoformat(values["started_at"])
        values["steps"] = tuple(values["steps"])
        return cls(**values)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


class RoundJobs:
    """Job records in ``folder``; this process's running job is updated by its thread."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()

    def _path(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.json"

    def _save(self, job: RoundJob) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{job.id}.{os.getpid()}.tmp"
        tmp.write_text(job.to_json(), encoding="utf-8")
        os.replace(tmp, self._path(job.id))

    def get(self, job_id: str) -> RoundJob | None:
        if not job_id.isalnum():
            return None
        try:
            job = RoundJob.from_json(self._path(job_id).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return None
        if not job.done and not _alive(job.pid):
            job.done, job.error, job.phase = True, GONE, "失败"
        return job

    def running(self) -> RoundJob | None:
        try:
            job_id = (self.folder / LOCK).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        job = self.get(job_id)
        return None if job is None or job.done else job

    def recent(self, n: int = 5) -> list[RoundJob]:
        if not self.folder.is_dir():
            return []
        files = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        found = (self.get(p.stem) for p in files[:n])
        return [j for j in found if j is not None]

    def _take_lock(self, job_id: str) -> None:
        """Create the lock naming ``job_id``; a lock left by a finished or vanished job is cleared first."""
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = self.folder / LOCK
        for _ in range(2):
            try:
                fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                busy = self.running()
                if busy is not None:
                    raise UserError(
                        f"已有评价批次正在运行（{busy.year} 年，{busy.started_by} 发起，当前步骤：{busy.phase}），"
                        "请等待完成后再运行"
                    ) from None
                lock.unlink(missing_ok=True)  # stale: its job has finished or its process is gone
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(job_id)
            return
        raise UserError("无法取得评价任务锁，请稍后重试")

    def start(
        self,
        container: Container,
        year: int,
        *,
        screen: bool,
        started_by: str,
        on_done: Callable[[], None] | None = None,
    ) -> RoundJob:
        if year not in YEARS:
            raise UserError(f"评价年度应在 {YEARS.start}–{YEARS.stop - 1} 之间，收到 {year}")
        steps = SCORING_STEPS + ((SCREEN_STEP,) if screen else ())
        job = RoundJob(uuid.uuid4().hex[:12], year, screen, started_by, datetime.now(UTC), steps, os.getpid())
        with self._lock:
            self._take_lock(job.id)
            self._save(job)
        self._prune()
        thread = threading.Thread(
            target=self._run, args=(job, container, on_done), name=f"round-{job.id}", daemon=True
        )
        thread.start()
        return job

    def _prune(self) -> None:
        files = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[KEEP:]:
            old.unlink(missing_ok=True)

    def _update(self, job: RoundJob, **changes: Any) -> None:
        with self._lock:
            for key, value in changes.items():
                setattr(job, key, value)
            self._save(job)

    def _advance(self, job: RoundJob, text: str) -> None:
        step = job.steps.index(text) + 1 if text in job.steps else job.step
        self._update(job, phase=text, step=step)

    def _run(self, job: RoundJob, container: Container, on_done: Callable[[], None] | None) -> None:
        from innopoints.scoring import service
        from innopoints.scoring.rulebook import load_points

        started = time.perf_counter()
        try:
            rb = load_points(container.settings.region)
            outcome = service.run_db_round(
                container.sessions,
                container.settings.data_dir,
                container.settings.region,
                job.year,
                rb,
                "polars",
                progress=lambda text: self._advance(job, text),
            )
            self._update(job, round_id=outcome.round_id, firms=outcome.firms)
            if job.screen:
                from innopoints.cultivation.rulebook import load_cultivation
                from innopoints.cultivation.service import screen_round

                self._advance(job, SCREEN_STEP)
                screened = screen_round(
                    container.sessions,
                    job.year,
                    outcome.round_id,
                    load_cultivation(container.settings.region),
                )
                self._update(job, pool_members=screened.members)
            self._update(job, phase="完成")
        except UserError as exc:
            self._update(job, error=exc.message, phase="失败")
        except Exception as exc:  # a crash must end the job, not leave the page polling forever
            log.exception("scoring round job %s failed", job.id)
            self._update(job, error=f"运行出错：{type(exc).__name__}: {exc}", phase="失败")
        finally:
            self._update(job, seconds=round(time.perf_counter() - started, 2), done=True)
            (self.folder / LOCK).unlink(missing_ok=True)
            if on_done is not None:
                on_done()


def jobs_for(container: Container) -> RoundJobs:
    return RoundJobs(container.settings.data_dir / "round_jobs")
