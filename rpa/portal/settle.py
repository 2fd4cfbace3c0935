"""Knowing a settled page from a slow one.

A wait for an element that never comes used to end in a timeout, retried as a slow page: four
attempts an item, then "portal down" for the whole payer, when the truth was that the portal's
pages changed (or the selector map is wrong). A page is *settled* when nothing is happening on
it: the document has loaded, no navigation is under way, no `fetch` or XHR is in flight, nothing
says it is busy (`aria-busy`, an indeterminate progress bar) and its DOM (shadow roots included)
has not changed for a while. An expected element absent from a settled page is a layout error.

A script added to every document of a session's browser context (`TRACKER`) keeps that record
in the page; `STATE` reads it in one evaluation per frame. The tracker also notes when one of the
page's own requests failed (a 5xx, a network error): an element missing because its data did not
load is a transient failure, not a changed page. A page without the tracker (a bare
page in a test) never counts as settled, so the engine falls back to its timeouts.
"""

from __future__ import annotations

TRACKER = r"""
(() => {
  if (window.__rpaSettle) return;
  const state = { changed: performance.now(), inflight: 0, navigating: false, failedAt: null, failedStatus: null };
  Object.defineProperty(window, '__rpaSettle', { value: state, enumerable: false });
  const touch = () => { state.changed = performance.now(); };
  const failed = (status) => { state.failedAt = performance.now(); state.failedStatus = status; };
  const observe = (root) => {
    try {
      new MutationObserver(touch).observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
    } catch (error) { /* a root that cannot be observed only makes the page look busy for longer */ }
  };
  observe(document);
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attachShadow.call(this, init);
    observe(root);
    return root;
  };
  const fetch_ = window.fetch;
  if (fetch_) {
    window.fetch = function (...args) {
      state.inflight++;
      touch();
      return fetch_.apply(this, args).then(
        (response) => { if (response.status >= 500) failed(response.status); return response; },
        (error) => { failed(0); throw error; },
      ).finally(() => { state.inflight--; touch(); });
    };
  }
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    state.inflight++;
    touch();
    this.addEventListener('loadend', () => {
      if (this.status === 0 || this.status >= 500) failed(this.status);
      state.inflight--;
      touch();
    }, { once: true });
    return send.apply(this, args);
  };
  if (window.navigation) {
    window.navigation.addEventListener('navigate', (event) => {
      touch();
      if (!event.destination.sameDocument && !event.downloadRequest) state.navigating = true;
    });
    window.navigation.addEventListener('navigateerror', () => { state.navigating = false; touch(); });
  }
})();
"""

STATE = r"""() => {
  const state = window.__rpaSettle;
  if (!state) return null;
  const failed = state.failedAt === null ? null : performance.now() - state.failedAt;
  const record = (quiet) => ({ quiet, failed, status: state.failedStatus });
  if (document.readyState !== 'complete' || state.navigating || state.inflight > 0) return record(0);
  const visible = (el) => el.getClientRects().length > 0;
  const busy = [...document.querySelectorAll('[aria-busy="true"], [role="progressbar"]:not([aria-valuenow])')];
  if (busy.some(visible)) return record(0);
  return record(performance.now() - state.changed);
}"""
"""A frame's record: `quiet` milliseconds (0: busy), and how long ago one of its own requests
failed (`failed` ms, a 5xx or network error; null: none); null when the frame has no tracker."""
