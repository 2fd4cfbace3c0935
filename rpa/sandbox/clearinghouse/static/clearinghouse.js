/* ClearPath Provider Exchange: the pages' own script.
 * Pages are rendered by the server; this script only adds what an older portal adds on top:
 * a session-timeout warning per signed-in window, the payer combobox, tabs, the provider's
 * identifier, the claim detail window, an announcement now and then, and frame-busting on the
 * log-in page. */
(function () {
  "use strict";

  var configElement = document.getElementById("cpConfig");
  var config = configElement ? JSON.parse(configElement.textContent) : {};
  var T = config.text || {};

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  /* The log-in page never shows inside another page: an expired session inside the iframe
   * takes the whole window back to log in. */
  if (config.page === "login" && window.top !== window.self) {
    window.top.location.href = window.location.href;
  }

  /* Each signed-in top-level window watches its own idleness (its own loads and input; what
   * happens inside an iframe is another document's). After afterMs it asks, with confirm(),
   * whether to continue: OK keeps the session, Cancel ends it. The portal decides whether an
   * OK came in time. */
  function sessionWarning(options) {
    var windowId = Math.random().toString(36).slice(2) + Date.now().toString(36);
    var last = Date.now();
    var timer = null;
    var warning = false;

    function activity() {
      if (!warning) last = Date.now();
    }

    ["keydown", "mousedown", "input", "touchstart", "wheel"].forEach(function (name) {
      document.addEventListener(name, activity, true);
    });

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(check, Math.max(0, last + options.afterMs - Date.now()));
    }

    function check() {
      if (Date.now() - last < options.afterMs) {
        schedule();
        return;
      }
      warn();
    }

    function post(path, attempts) {
      return fetch(path, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ window: windowId })
      }).then(function (response) {
        if (response.status >= 500 && attempts > 1) return sleep(250).then(function () { return post(path, attempts - 1); });
        return response;
      }, function () {
        return attempts > 1 ? sleep(250).then(function () { return post(path, attempts - 1); }) : null;
      });
    }

    function ended() {
      window.location.href = "/session/ended";
    }

    function warn() {
      warning = true;
      post("/api/session/warning", 3).then(function (shown) {
        if (shown && shown.status === 401) {
          ended();
          return;
        }
        if (!window.confirm(T.SESSION_WARNING)) {
          post("/api/session/end", 3).then(ended);
          return;
        }
        post("/api/session/continue", 3).then(function (answer) {
          if (answer && answer.status === 401) {
            ended();
            return;
          }
          warning = false;
          last = Date.now();
          schedule();
        });
      });
    }

    schedule();
  }

  if (config.sessionWarning && window.top === window.self) sessionWarning(config.sessionWarning);

  /* The payer box: type, wait for the options the portal sends, choose one. Choosing loads
   * the form for that payer. */
  function payerCombobox(input) {
    var listbox = document.getElementById(input.getAttribute("aria-controls"));
    var options = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(payer) {
      input.value = payer.name;
      close();
      window.location.href = "/cs/claim-status?payer=" + encodeURIComponent(payer.id);
    }

    function show(payers) {
      listbox.innerHTML = "";
      options = payers.map(function (payer) {
        var option = el("li", { role: "option", id: "payerOption-" + payer.id, "aria-selected": "false" }, payer.name);
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(payer); });
        option.payer = payer;
        listbox.appendChild(option);
        return option;
      });
      if (!payers.length) listbox.appendChild(el("li", { role: "option", "aria-disabled": "true" }, T.NO_PAYERS));
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function load() {
      var typed = input.value.trim();
      var mine = ++asked;
      if (typed.length < 2) {
        close();
        return;
      }
      fetch("/api/payers?q=" + encodeURIComponent(typed), { credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 401) {
            window.top.location.href = "/login?expired=1&next=%2Fclaims%2Fstatus";
            return null;
          }
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (answer) {
          if (answer && mine === asked) show(answer.payers);
        })
        .catch(function () {
          if (mine !== asked) return;
          listbox.innerHTML = "";
          listbox.appendChild(el("li", { role: "option", "aria-disabled": "true" }, T.PAYER_LIST_FAILED));
          listbox.hidden = false;
          input.setAttribute("aria-expanded", "true");
        });
    }

    function highlight(index) {
      options.forEach(function (option, i) { option.setAttribute("aria-selected", String(i === index)); });
      active = index;
      if (options[index]) input.setAttribute("aria-activedescendant", options[index].id);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(load, 300);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && options.length) {
        event.preventDefault();
        highlight(Math.min(active + 1, options.length - 1));
      } else if (event.key === "ArrowUp" && options.length) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (options[active]) choose(options[active].payer);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  var payerInput = document.getElementById("payerInput");
  if (payerInput) payerCombobox(payerInput);

  /* Tabs: one panel shown, the others hidden but present. A search tab also says how to search. */
  Array.prototype.forEach.call(document.querySelectorAll('[role="tablist"]'), function (list) {
    var tabs = Array.prototype.slice.call(list.querySelectorAll('[role="tab"]'));
    function select(tab) {
      tabs.forEach(function (other) {
        var selected = other === tab;
        other.setAttribute("aria-selected", String(selected));
        other.tabIndex = selected ? 0 : -1;
        document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
      });
      var searchBy = document.getElementById("searchBy");
      if (tab.getAttribute("data-search-by") && searchBy) searchBy.value = tab.getAttribute("data-search-by");
    }
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { select(tab); });
      tab.addEventListener("keydown", function (event) {
        var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (!step) return;
        var next = tabs[(index + step + tabs.length) % tabs.length];
        select(next);
        next.focus();
      });
    });
  });

  /* The provider's identifier the payer knows it by (NPI or Tax ID), shown as it is chosen. */
  var provider = document.getElementById("provider");
  var identifier = document.getElementById("providerIdentifier");
  if (provider && identifier) {
    provider.addEventListener("change", function () {
      identifier.value = provider.options[provider.selectedIndex].getAttribute("data-identifier") || "";
    });
  }

  /* The claim detail opens in its own window; a window of that name still open is reused. */
  Array.prototype.forEach.call(document.querySelectorAll("a.cp-detail-link"), function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.open(link.href, "ClaimDetail", "width=1000,height=800,scrollbars=yes,resizable=yes");
    });
  });

  var printButton = document.getElementById("printWindow");
  if (printButton) printButton.addEventListener("click", function () { window.print(); });
  var closeButton = document.getElementById("closeWindow");
  if (closeButton) closeButton.addEventListener("click", function () { window.close(); });

  /* Now and then the shell announces something over the page until dismissed. */
  if (config.modal) {
    setTimeout(function () {
      var overlay = el("div", { class: "cp-overlay" });
      var dialog = el("div", { role: "dialog", "aria-modal": "true", "aria-labelledby": "cpModalTitle", class: "cp-modal" });
      dialog.appendChild(el("h2", { id: "cpModalTitle" }, config.modal.heading));
      dialog.appendChild(el("p", {}, config.modal.body));
      var dismiss = el("button", { type: "button", class: "cp-button" }, config.modal.dismiss);
      dismiss.addEventListener("click", function () { overlay.remove(); });
      dialog.appendChild(dismiss);
      overlay.appendChild(dialog);
      document.body.appendChild(overlay);
    }, config.modal.delayMs);
  }
})();
