// clv dashboard: the few things a page cannot do by itself. Text from the server is only ever
// written with textContent, never as HTML.
"use strict";

function job() {
  const box = document.getElementById("job");
  if (!box) return;
  const bar = document.getElementById("job-progress");
  const step = document.getElementById("job-step");
  const failed = document.getElementById("job-error");
  const note = document.getElementById("job-note");
  const cancel = document.getElementById("job-cancel");
  const back = document.getElementById("job-back");
  const poll = async () => {
    // the step and the failure in the page's language
    const lang = encodeURIComponent(document.documentElement.lang || "en");
    const response = await fetch(`/api/jobs/${box.dataset.job}?lang=${lang}`);
    const state = await response.json();
    bar.value = state.share;
    step.textContent = state.label || state.step;
    box.dataset.status = state.status;
    if (state.status === "running") {
      setTimeout(poll, 250);
      return;
    }
    cancel.hidden = true;
    if (state.status === "done" && !state.note) {
      window.location.assign(`/a/${state.analysis}`);
    } else if (state.status === "done") { // not saved to the history: say so, then go on
      note.textContent = state.note;
      setTimeout(() => window.location.assign(`/a/${state.analysis}`), 3000);
    } else {
      failed.textContent = state.message || state.error;
      bar.hidden = true;
      if (back) back.hidden = false;
    }
  };
  poll();
}

// a figure of the what-if as the server writes it, in the page's language (money in the
// analysis's currency, ratios as 3.75x, months whole); a blank says why (the cell's data-*)
function writer(lang, currency) {
  const digits = (n) => new Intl.NumberFormat(lang, { minimumFractionDigits: n, maximumFractionDigits: n });
  const money = currency
    ? new Intl.NumberFormat(lang, { style: "currency", currency })
    : digits(2);
  return (kind, value) => {
    if (value === null || value === undefined) return null;
    if (kind === "money") return money.format(value);
    if (kind === "ratio") return `${digits(2).format(value)}x`;
    if (kind === "months") return digits(0).format(value);
    return digits(2).format(value);
  };
}

function whatIf() {
  const form = document.getElementById("whatif");
  if (!form) return;
  const lang = form.dataset.lang || "en";
  const write = writer(lang, form.dataset.currency);
  const share = new Intl.NumberFormat(lang, { style: "percent", signDisplay: "exceptZero" });
  const error = document.getElementById("whatif-error");
  let timer = null;
  let asked = 0;
  const update = async () => {
    const params = new URLSearchParams();
    for (const input of form.querySelectorAll("input[type=range]")) {
      params.set(input.name, String(Number(input.value) / 100));
      const moved = Number(input.value) / 100;
      document.getElementById(`out-${input.name}`).textContent =
        moved === 0 ? `+${share.format(0)}` : share.format(moved);
    }
    const ticket = ++asked;
    const response = await fetch(`/api/analyses/${form.dataset.analysis}/whatif?${params}`);
    const body = await response.json();
    if (ticket !== asked) return; // a later move already asked again
    if (!response.ok) {
      error.textContent = body.detail;
      return;
    }
    error.textContent = "";
    for (const [key, value] of Object.entries(body.scenario)) {
      const cell = document.querySelector(`[data-scenario="${key}"]`);
      if (!cell) continue;
      const text = write(cell.dataset.kind, value);
      const base = document.querySelector(`[data-base="${key}"]`);
      if (text === null) { // blank: the reason the server gave for this figure
        const why = document.createElement("span");
        why.className = "blank";
        why.textContent = cell.dataset.blank || (base && base.dataset.blank) || "";
        why.title = cell.dataset.why || (base && base.dataset.why) || "";
        cell.replaceChildren(why);
      } else {
        cell.textContent = text;
      }
    }
    form.dataset.updated = String(ticket);
  };
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  job();
  whatIf();
});
