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

// the levers in an address: ?retention=10&margin=-5 (whole percentages, the sliders' values),
// a lever at 0 left out, the other parameters (lang, filters) kept
function withLevers(address, inputs) {
  const url = new URL(address, window.location.href);
  for (const input of inputs) {
    if (Number(input.value) === 0) url.searchParams.delete(input.name);
    else url.searchParams.set(input.name, input.value);
  }
  return url;
}

function whatIf() {
  const form = document.getElementById("whatif");
  if (!form) return;
  const lang = form.dataset.lang || "en";
  const write = writer(lang, form.dataset.currency);
  const share = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  const money = form.dataset.currency
    ? new Intl.NumberFormat(lang, { style: "currency", currency: form.dataset.currency })
    : new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const error = document.getElementById("whatif-error");
  const inputs = [...form.querySelectorAll("input[type=range]")];
  // what a lever at k makes of the margin and of the CAC (the server's words, {value} in them)
  const then = {
    margin: (k) => share.format(Math.min(1, Number(form.dataset.margin) * (1 + k))),
    cac: (k) => money.format(Number(form.dataset.cac) * (1 + k)),
  };
  let timer = null;
  let asked = 0;
  const show = () => {
    for (const input of inputs) {
      const moved = Number(input.value) / 100;
      // '+10 %', '−10 %', '+0 %': the sign always written, as the server writes it
      const sign = moved < 0 ? "\u2212" : "+";
      document.getElementById(`out-${input.name}`).textContent = sign + share.format(Math.abs(moved));
      const after = document.getElementById(`then-${input.name}`);
      if (after && then[input.name]) {
        after.textContent = after.dataset.words.replace("{value}", then[input.name](moved));
      }
    }
    // the address and the language switch keep the scenario (shared, reloaded, translated)
    window.history.replaceState(null, "", withLevers(window.location.href, inputs));
    for (const link of document.querySelectorAll("#languages a[href]")) {
      const url = withLevers(link.getAttribute("href"), inputs);
      link.setAttribute("href", url.pathname + url.search);
    }
  };
  const update = async () => {
    const params = new URLSearchParams();
    for (const input of inputs) params.set(input.name, String(Number(input.value) / 100));
    const ticket = ++asked;
    let response = null;
    let body = null;
    try {
      response = await fetch(`/api/analyses/${form.dataset.analysis}/whatif?${params}`);
      body = await response.json();
    } catch (failure) {
      response = null;
    }
    if (ticket !== asked) return; // a later move already asked again
    if (!response || !response.ok) {
      error.textContent = form.dataset.failed; // in the page's language
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
    show();
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
  form.addEventListener("submit", (event) => event.preventDefault());
}

// a chart wider than its box is shrunk to fit it (style.css); a button before it shows it at
// its drawn size, then scrolling inside its figure, which a keyboard can reach and scroll;
// the button's words are the page's (the <body> element's data-chart-* attributes)
function fittedCharts() {
  const words = document.body.dataset;
  for (const figure of document.querySelectorAll("main figure")) {
    const svg = figure.querySelector(":scope > svg");
    if (!svg) continue;
    const drawn = Number(svg.getAttribute("width")) || 0;
    let button = figure.previousElementSibling;
    if (!button || !button.classList.contains("chart-size")) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "chart-size";
      button.setAttribute("aria-pressed", "false");
      button.textContent = words.chartDrawn || "Full size";
      button.addEventListener("click", () => {
        const full = figure.classList.toggle("drawn-size");
        button.setAttribute("aria-pressed", String(full));
        button.textContent = full ? (words.chartFit || "Fit the screen")
          : (words.chartDrawn || "Full size");
        scrolling(figure);
      });
      figure.before(button);
    }
    // shown while the chart is shrunk, or shown at its drawn size by the button
    button.hidden = !figure.classList.contains("drawn-size") && drawn <= figure.clientWidth + 1;
    scrolling(figure);
  }
}

function scrolling(figure) {
  if (figure.scrollWidth > figure.clientWidth + 1) {
    figure.tabIndex = 0;
  } else if (figure.getAttribute("tabindex") === "0") {
    figure.removeAttribute("tabindex");
  }
}

// the filter form sends only the filters set: no '?channel=&segment=' in the address
function filterForms() {
  for (const form of document.querySelectorAll("form.filters")) {
    form.addEventListener("formdata", (event) => {
      for (const [name, value] of [...event.formData.entries()]) {
        if (typeof value === "string" && value.trim() === "") event.formData.delete(name);
      }
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  job();
  filterForms();
  whatIf();
  fittedCharts();
  window.addEventListener("resize", fittedCharts);
});
