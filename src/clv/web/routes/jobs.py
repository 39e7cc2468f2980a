"""The jobs that run analyses: their page (progress, cancel, the way back to the mapping)
and their JSON."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from clv.web.deps import JobDep, StateDep
from clv.web.schemas import JobOut
from clv.web.state import MAPPED, READING, Job
from clv.web.views import page

router = APIRouter()


def _out(j: Job) -> JobOut:
    return JobOut(id=j.id, step=j.step, share=j.share, status=j.status,  # type: ignore[arg-type]
                  error=j.error, note=j.note, analysis=j.analysis_id)


@router.get("/jobs/{jid}", response_class=HTMLResponse, include_in_schema=False)
def job_page(j: JobDep, state: StateDep) -> HTMLResponse:
    return page("job.html.j2", job=j, fields=MAPPED, options=READING,
                back=j.source_id in state.sources, e=None, active="")


@router.post("/jobs/{jid}/cancel", include_in_schema=False)
def job_cancel(j: JobDep, state: StateDep) -> Response:
    state.cancel(j.id)
    return RedirectResponse(f"/jobs/{j.id}", 303)


@router.get("/api/jobs/{jid}", tags=["analyses"])
def job_api(j: JobDep) -> JobOut:
    """Progress of an analysis: step, share done, status (running, also while queued; done,
    failed, cancelled), error (why it failed), note (e.g. not saved to the history, and
    why), the analysis id once done."""
    return _out(j)


@router.post("/api/jobs/{jid}/cancel", tags=["analyses"])
def job_cancel_api(j: JobDep, state: StateDep) -> JobOut:
    """Stop an analysis (queued: it will not start; running: its process is killed;
    finished: nothing changes); returns the job's state."""
    return _out(state.cancel(j.id))
