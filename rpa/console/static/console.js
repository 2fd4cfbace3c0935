// The console's only script (the page policy allows no inline script): it polls progress and
// fills in the numbers; everything else is a plain server-rendered page.
"use strict";

function fill(root, data) {
  for (const [name, value] of Object.entries(data)) {
    for (const element of root.querySelectorAll(`[data-field="${name}"]`)) {
      if (element.tagName === "PROGRESS") continue;
      element.textContent = value === null || value === undefined ? "—" : String(value);
      if (name === "status" && element.classList.contains("badge")) element.className = `badge run-${value}`;
    }
  }
}

function poll(element, url, every, onData) {
  const tick = async () => {
    let response;
    try {
      response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    } catch {
      setTimeout(tick, every * 2);
      return;
    }
    if (response.status === 401) {
      window.location.assign("/sign-in");
      return;
    }
    if (!response.ok) return;
    const data = await response.json();
    if (onData(data) !== false) setTimeout(tick, every);
  };
  setTimeout(tick, every);
}

document.addEventListener("DOMContentLoaded", () => {
  const lookup = document.querySelector("[data-progress-url]");
  if (lookup) {
    poll(lookup, lookup.dataset.progressUrl, 400, (data) => {
      fill(lookup, data);
      if (data.done) {
        window.location.reload();
        return false;
      }
      return true;
    });
  }
  const run = document.querySelector("[data-run-progress-url]");
  if (run) {
    poll(run, run.dataset.runProgressUrl, 1500, (data) => {
      fill(document, { ...data, eta: data.eta_s === null ? "—" : `${data.eta_s} s` });
      const bar = run.querySelector("progress");
      if (bar) {
        bar.max = data.items || 1;
        bar.value = data.done;
      }
      if (data.status !== "running" && !data.resuming) {
        window.location.reload();
        return false;
      }
      return true;
    });
  }
});
