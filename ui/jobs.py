"""Long writes run as jobs that outlive the script run that started them. A click, a rerun
or leaving the page cannot roll a run back or lose it: the work goes on in a thread of the
server, the screen polls its progress, and any screen can show it again later.

The board is one per server process (st.cache_resource), shared by every session; a
session remembers the ids of the jobs it started, and takes each one's end once."""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import streamlit as st

from engine import BackorderError

from . import identity
from .state import attempt, user
from .text import escape_md

_log = logging.getLogger("backorder_desk")
KEEP_FINISHED = 50  # finished jobs kept on the board for screens to show
MINE_KEY = "_jobs_mine"  # {kind: job id} of the jobs this session started
QUICK_SECONDS = 1.0  # a job that ends this soon is shown at once, without polling
POLL_SECONDS = 0.5  # how often a screen looks at a running job


@dataclass
class Job:
    job_id: str
    kind: str
    label: str
    user: str
    started_at: datetime
    fraction: float = 0.0
    message: str = "Starting"
    state: str = "running"  # running, done, failed
    result: Any = None
    error: str | None = None
    finished_at: datetime | None = None
    writes: bool = True  # False for a look-ahead (a preview) that changes nothing
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def running(self) -> bool:
        return self.state == "running"

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def who_when(self) -> str:
        return f"started by {self.user} at {self.started_at:%H:%M:%S}"


class JobBusyError(BackorderError):
    """A job of this kind is already going; `job` is the one going."""

    def __init__(self, job: Job):
        super().__init__(f"{job.label} is still going ({job.who_when()}, "
                         f"{job.fraction:.0%} done). Wait for it to end, then try again.")
        self.job = job


# Seconds a job waits before its work starts (BACKORDER_JOB_DELAY; 0 by default): the
# engine finishes a large run in seconds, and watching one go needs it to go for a while.
START_DELAY = float(os.environ.get("BACKORDER_JOB_DELAY", "0") or 0)


class JobBoard:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, kind: str, label: str, user: str,
              work: Callable[[Callable[[float, str], None]], Any],
              exclusive: bool = False, writes: bool = True) -> Job:
        """Run `work(progress)` in a thread; its result or its error lands on the job.
        With `exclusive`, raise JobBusyError while another job of `kind` is going. A job
        that `writes` clears every session's cached reads when it ends."""
        job = Job(job_id=uuid.uuid4().hex, kind=kind, label=label, user=user,
                  started_at=datetime.now(), writes=writes)

        def progress(fraction: float, message: str) -> None:
            job.fraction, job.message = min(max(fraction, 0.0), 1.0), message

        def run() -> None:
            try:
                if START_DELAY:  # a demonstration or a browser test watching a job go
                    progress(0.0, "Starting")
                    time.sleep(START_DELAY)
                job.result = work(progress)
                job.state, job.fraction, job.message = "done", 1.0, "Done"
            except BackorderError as exc:
                job.state, job.error = "failed", str(exc)
            except Exception:  # every engine write is one transaction: nothing was written
                _log.exception("job %s (%s) failed", job.job_id, label)
                job.state = "failed"
                job.error = ("Something went wrong and nothing was saved. The details are in "
                             "the server log; please try again or tell your administrator.")
            finally:
                job.finished_at = datetime.now()
                if writes:
                    st.cache_data.clear()  # every screen reads the new state, in every session
                job._done.set()
                self._forget_old()

        with self._lock:  # check and register at once: two clicks cannot both start
            if exclusive:
                going = [j for j in self._jobs.values() if j.kind == kind and j.running]
                if going:
                    raise JobBusyError(going[0])
            self._jobs[job.job_id] = job
        threading.Thread(target=run, name=f"job-{kind}-{job.job_id[:8]}", daemon=True).start()
        return job

    def get(self, job_id: str | None) -> Job | None:
        return self._jobs.get(job_id) if job_id else None

    def running(self, kind: str) -> list[Job]:
        """Jobs of `kind` still going, from any session: the newest first."""
        with self._lock:
            jobs = [j for j in self._jobs.values() if j.kind == kind and j.running]
        return sorted(jobs, key=lambda j: j.started_at, reverse=True)

    def all_running(self) -> list[Job]:
        with self._lock:
            return sorted((j for j in self._jobs.values() if j.running),
                          key=lambda j: j.started_at)

    def _forget_old(self) -> None:
        with self._lock:
            finished = sorted((j for j in self._jobs.values() if not j.running),
                              key=lambda j: j.finished_at or j.started_at)
            for job in finished[:-KEEP_FINISHED]:
                del self._jobs[job.job_id]


@st.cache_resource
def board() -> JobBoard:
    return JobBoard()


# -- a session's view of the board ---------------------------------------------------------
def who() -> str | None:
    """Who is starting a job, asked in the script run (a job's thread has no session);
    None, with the reason on screen, when this session may not change anything."""
    ok, name = attempt(user)
    return name if ok else None


def reader() -> str:
    """Who is starting a job that changes nothing (a preview): anyone may, even on a desk
    that is viewing only; the name only labels the job."""
    return identity.audit_name(identity.auth_mode(), identity.claims(),
                               st.session_state.get(identity.NAME_KEY)) or "a viewer"


def launch(kind: str, label: str, name: str,
           work: Callable[[Callable[[float, str], None]], Any],
           exclusive: bool = False, writes: bool = True) -> Job | None:
    """Start a job for this session on behalf of `name` (from `who`, or `reader` for a
    job that `writes` nothing). None, with the reason on screen, when it may not start.
    A quick job has ended by the time this returns, so the caller can show its end at
    once."""
    ok, job = attempt(lambda: board().start(kind, label, name, work, exclusive, writes))
    if not ok or job is None:
        return None
    st.session_state.setdefault(MINE_KEY, {})[kind] = job.job_id
    job.wait(QUICK_SECONDS)
    return job


def mine(kind: str) -> Job | None:
    """The job of `kind` this session started and has not yet taken the end of."""
    return board().get(st.session_state.get(MINE_KEY, {}).get(kind))


def take_finished(kind: str) -> Job | None:
    """This session's job of `kind` once it has ended, handed over once."""
    job = mine(kind)
    if job is None or job.running:
        return None
    st.session_state[MINE_KEY].pop(kind, None)
    return job


def going(kind: str) -> Job | None:
    """The job of `kind` to show: this session's own while it runs, else anyone's."""
    job = mine(kind)
    if job is not None and job.running:
        return job
    others = board().running(kind)
    return others[0] if others else None


@st.fragment(run_every=POLL_SECONDS)
def progress_panel(job_id: str, key: str = "job_progress") -> None:
    """A running job's progress, polled; when it ends, the whole screen runs again and
    shows the outcome (in every session looking at it). `key` tells two panels apart."""
    job = board().get(job_id)
    if job is None or not job.running:
        st.rerun()
    with st.container(border=True, key=key):
        st.progress(job.fraction, text=escape_md(f"{job.label}: {job.message}"))
        st.caption(escape_md(f"{job.who_when().capitalize()}. It goes on if you click "
                             "elsewhere or leave this screen; come back to see its result."))


def sidebar_note() -> None:
    """On every screen: the jobs still going, so an analyst who left one knows it goes on:
    everyone's writes, and this session's own look-aheads (another's preview is theirs)."""
    own = set(st.session_state.get(MINE_KEY, {}).values())
    going_now = [j for j in board().all_running() if j.writes or j.job_id in own]
    if going_now:
        with st.container(key="jobs_going"):
            for job in going_now:
                st.caption(f":material/hourglass_top: {escape_md(job.label)} is going "
                           f"({job.fraction:.0%}, {escape_md(job.who_when())})")
