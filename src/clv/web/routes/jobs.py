"""The jobs that run analyses: their page (progress, cancel, and after a failure the reason
in a sentence with the way back to the mapping, every choice kept) and their JSON."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from clv import i18n
from clv.errors import say
from clv.report.text import number
from clv.web.deps import JobDep, PageLang, StateDep
from clv.web.routes.data import field_message
from clv.web.schemas import JobOut
from clv.web.state import CANCELLED, Job, form_words
from clv.web.views import page

router = APIRouter()
_LIMIT = re.compile(r"^stopped after ([\d.]+) (second|minute)s?,")
_BUG = re.compile(r"^internal error, please report it \(reference (\w+)\)$")


def step_label(job: Job, lang: str) -> str:
    """The job's step in ``lang`` ('fitting the models'), its status once it has ended."""
    step = "failed" if job.status == "failed" else job.step
    key = f"job_step_{step}"
    return i18n.t(key, lang) if key in i18n.catalogue() else step


def failure(job: Job, lang: str) -> str | None:
    """Why the job failed or was stopped, in a sentence in ``lang``: the column to choose,
    the time limit, an internal error's reference, or the reader's or model's sentence."""
    if job.status == "cancelled" or job.error == CANCELLED:
        return i18n.t("job_cancelled", lang)
    if job.status != "failed" or not job.error:
        return None
    if job.error_field is not None:
        kind = job.error_kind or "transactions"
        columns = job.mapping if kind == "transactions" else job.table_columns.get(kind, {})
        chosen = field_message(kind, job.error_field, columns, lang)
        reason = reason_words(job, lang)
        if reason is None:  # a sentence in English only: the field to choose says enough
            return chosen
        return f"{chosen} {i18n.t('job_reason', lang, reason=reason)}"
    limit = _LIMIT.match(job.error)
    if limit:
        n = float(limit.group(1))
        unit = {"second": ("seconds", "secondes"), "minute": ("minutes", "minutes")}[
            limit.group(2)][lang == "fr"]
        if n == 1:
            unit = unit.rstrip("s")
        return i18n.t("job_time_limit", lang, limit=f"{number(n, lang, 0)} {unit}")
    bug = _BUG.match(job.error)
    if bug:
        return i18n.t("job_bug", lang, ref=bug.group(1))
    return i18n.t("job_reason", lang, reason=reason_words(job, lang) or job.error)


def reason_words(job: Job, lang: str) -> str | None:
    """The user's error that stopped ``job`` in ``lang``: in English its sentence as the job
    wrote it; in another language the error said in it (:func:`clv.errors.say`, the reading
    parameters named as the form names them), or None when it has no words in it."""
    if lang == "en" or lang not in i18n.LANGS:
        return job.error
    exc = job.failure
    if exc is None or exc.key is None:
        return None
    return form_words(say(exc, lang), lang)


def _out(j: Job, lang: str = "en") -> JobOut:
    return JobOut(id=j.id, step=j.step, share=j.share, status=j.status,  # type: ignore[arg-type]
                  error=j.error, note=j.note, analysis=j.analysis_id,
                  label=step_label(j, lang), message=failure(j, lang))


@router.get("/jobs/{jid}", response_class=HTMLResponse, include_in_schema=False)
def job_page(j: JobDep, state: StateDep, request: Request, lang: PageLang) -> HTMLResponse:
    return page("job.html.j2", request=request, lang=lang, job=j, label=step_label(j, lang),
                reason=failure(j, lang), back=j.source_id in state.sources, e=None,
                active="")


@router.post("/jobs/{jid}/cancel", include_in_schema=False)
def job_cancel(j: JobDep, state: StateDep) -> Response:
    state.cancel(j.id)
    return RedirectResponse(f"/jobs/{j.id}", 303)


@router.get("/api/jobs/{jid}", tags=["analyses"])
def job_api(j: JobDep, lang: PageLang) -> JobOut:
    """Progress of an analysis: step, share done, status (running, also while queued; done,
    failed, cancelled), error (why it failed), note (e.g. not saved to the history, and
    why), the analysis id once done; ``label`` and ``message``: the step and the failure in
    the caller's language."""
    return _out(j, lang)


@router.post("/api/jobs/{jid}/cancel", tags=["analyses"])
def job_cancel_api(j: JobDep, state: StateDep, lang: PageLang) -> JobOut:
    """Stop an analysis (queued: it will not start; running: its process is killed;
    finished: nothing changes); returns the job's state."""
    return _out(state.cancel(j.id), lang)
