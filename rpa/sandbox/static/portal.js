/* Sandbox Health Provider Portal: the pages' own script.
 * Results and detail pages are shells: this script shows the spinner, calls the portal's JSON API
 * with the session cookie and renders what comes back, in the variant's names, order and words,
 * all of which arrive in the page's config. */
(function () {
  "use strict";

  var configElement = document.querySelector("script[data-portal-config]");
  var config = configElement ? JSON.parse(configElement.textContent) : {};
  var T = config.text || {};
  var ABSENT = config.absent;

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else if (name === "onclick") node.addEventListener("click", value);
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  function money(value) {
    if (value === null || value === undefined) return ABSENT;
    var negative = value.charAt(0) === "-";
    var parts = value.replace("-", "").split(".");
    var cents = ((parts[1] || "") + "00").slice(0, 2);
    return (negative ? "-" : "") + "$" + parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + cents;
  }

  function usDate(iso) {
    if (!iso) return ABSENT;
    var parts = iso.split("-");
    return parts[1] + "/" + parts[2] + "/" + parts[0];
  }

  function dateRange(from, to) {
    return from === to ? usDate(from) : usDate(from) + " - " + usDate(to);
  }

  function words(value) {
    return value === null || value === undefined || value === "" ? ABSENT : String(value);
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function byKey(key) {
    return document.getElementById(config.ids[key]);
  }

  function showAlert(message) {
    var alert = byKey("alert");
    alert.textContent = message;
    alert.hidden = false;
  }

  function clearAlert() {
    var alert = byKey("alert");
    alert.textContent = "";
    alert.hidden = true;
  }

  function spinner(visible) {
    var node = byKey("spinner");
    if (node) node.hidden = !visible;
  }

  function signInAgain(reason) {
    var here = window.location.pathname + window.location.search;
    var expired = reason === "session_expired" ? "expired=1&" : "";
    window.location.assign("/login?" + expired + "next=" + encodeURIComponent(here));
  }

  /* The API's answer as {status, body}; null when the session is gone and the page is leaving. */
  function api(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.status === 401) {
            signInAgain(body.error);
            return null;
          }
          return { status: response.status, body: body };
        });
      })
      .catch(function () { return { status: 0, body: {} }; });
  }

  /* The spinner for spinner_ms, then the API call; the spinner stays until the answer is in. */
  function load(url) {
    spinner(true);
    clearAlert();
    return sleep(config.spinnerMs || 0).then(function () { return api(url); }).then(function (answer) {
      if (answer) spinner(false);
      return answer;
    });
  }

  function failed(answer) {
    if (answer.status === 400 || answer.status === 404) showAlert(answer.body.message || T.API_FAILED);
    else showAlert(T.API_FAILED);
  }

  function table(testKey, columns, rows, cell) {
    var head = el("tr", {}, columns.map(function (column) { return el("th", { scope: "col", text: column.label }); }));
    var body = rows.map(function (row) {
      return el("tr", {}, columns.map(function (column) {
        return el("td", { "data-label": column.label }, [cell(row, column.key)]);
      }));
    });
    return el("table", { className: config.classes.table, "data-testid": config.testids[testKey] }, [
      el("thead", {}, [head]),
      el("tbody", {}, body),
    ]);
  }

  function pairs(labels, values) {
    var list = el("dl", { className: config.classes.pairs });
    labels.forEach(function (item) {
      list.appendChild(el("dt", { text: item.label }));
      list.appendChild(el("dd", { text: values[item.key] }));
    });
    return list;
  }

  function section(key, heading, children) {
    var headingId = config.ids["section-" + key];
    return el("section", {
      className: config.classes.section,
      "aria-labelledby": headingId,
      "data-testid": config.testids["section-" + key],
    }, [el("h2", { id: headingId, text: heading })].concat(children));
  }

  /* Claim search: the form checks the one rule a person trips over before it navigates. */
  function claimSearch() {
    var form = document.querySelector("form[data-portal-form]");
    form.addEventListener("submit", function (event) {
      var value = function (name) { return (form.elements[name].value || "").trim(); };
      var byMember = value("memberId") && value("dob") && value("from") && value("to");
      if (!value("claimNumber") && !byMember) {
        event.preventDefault();
        showAlert(T.CLAIM_SEARCH_HINT);
      }
    });
  }

  function eligibilitySearch() {
    var form = document.querySelector("form[data-portal-form]");
    form.addEventListener("submit", function (event) {
      var value = function (name) { return (form.elements[name].value || "").trim(); };
      if (!value("memberId") || !value("dob")) {
        event.preventDefault();
        showAlert(T.ELIGIBILITY_REQUIRED);
      }
    });
  }

  function claimResults() {
    var params = new URLSearchParams(config.query || {});
    var results = byKey("results");

    function show(page) {
      params.set("page", String(page));
      results.replaceChildren();
      load("/api/claims/search?" + params.toString()).then(function (answer) {
        if (!answer) return;
        if (answer.status !== 200) return failed(answer);
        window.history.replaceState(null, "", "?" + params.toString());
        render(answer.body);
      });
    }

    function render(found) {
      if (!found.results.length) {
        results.appendChild(el("div", { role: "alert", className: config.classes.notice, text: found.message || T.NO_CLAIMS }));
        return;
      }
      results.appendChild(table("results-table", config.claimColumns, found.results, function (claim, key) {
        if (key === "claimNumber") return el("a", { href: "/claims/" + encodeURIComponent(claim.claimId), text: claim.claimNumber });
        if (key === "serviceDates") return dateRange(claim.serviceDateFrom, claim.serviceDateTo);
        if (key === "billedAmount") return money(claim.billedAmount);
        return words(claim[key]);
      }));
      var first = (found.page - 1) * found.pageSize + 1;
      var last = Math.min(found.page * found.pageSize, found.totalResults);
      results.appendChild(el("nav", {
        "aria-label": "Pagination",
        className: config.classes.pagination,
        "data-testid": config.testids.pagination,
      }, [
        el("button", {
          type: "button", className: config.classes["link-button"], id: config.ids.previous,
          "data-testid": config.testids.previous, disabled: found.page <= 1, text: T.PREVIOUS,
          onclick: function () { show(found.page - 1); },
        }),
        el("span", { id: config.ids["page-status"], text: format(T.PAGE_OF, { page: found.page, pages: found.totalPages }) }),
        el("button", {
          type: "button", className: config.classes["link-button"], id: config.ids.next,
          "data-testid": config.testids.next, disabled: found.page >= found.totalPages, text: T.NEXT,
          onclick: function () { show(found.page + 1); },
        }),
        el("span", {
          id: config.ids.showing, className: config.classes.muted,
          text: format(T.SHOWING, { first: first, last: last, total: found.totalResults }),
        }),
      ]));
    }

    show(Number(params.get("page") || 1));
  }

  function adjustmentText(adjustment) {
    var text = adjustment.group + " – CARC " + adjustment.reasonCode + ": " + adjustment.reasonText;
    if (adjustment.remarkCode) text += " – RARC " + adjustment.remarkCode;
    return text + " – " + money(adjustment.amount);
  }

  function claimDetail() {
    var content = byKey("content");
    load("/api/claims/" + encodeURIComponent(config.claimId)).then(function (answer) {
      if (!answer) return;
      if (answer.status !== 200) return failed(answer);
      var claim = answer.body;
      var payment = claim.payment || {};
      var renderers = {
        summary: function () {
          return pairs(config.summaryLabels, {
            claimNumber: claim.claimNumber,
            claimId: claim.claimId,
            patientName: claim.patient.name,
            memberId: claim.patient.memberId,
            dateOfBirth: usDate(claim.patient.dateOfBirth),
            providerNpi: claim.provider.npi,
            plan: claim.plan.name,
            serviceDates: dateRange(claim.serviceDateFrom, claim.serviceDateTo),
            status: claim.status,
            statusDetail: words(claim.statusDetail),
            receivedDate: usDate(claim.receivedDate),
            processedDate: usDate(claim.processedDate),
          });
        },
        financial: function () {
          return pairs(config.financialLabels, {
            billed: money(claim.amounts.billed),
            allowed: money(claim.amounts.allowed),
            paid: money(claim.amounts.paid),
            patientResponsibility: money(claim.amounts.patientResponsibility),
          });
        },
        payment: function () {
          return pairs(config.paymentLabels, {
            method: words(payment.method),
            number: words(payment.number),
            date: usDate(payment.date),
          });
        },
        adjustments: function () {
          if (!claim.adjustments.length) return el("p", { className: config.classes.muted, text: config.noAdjustments });
          return table("adjustments-table", config.adjustmentColumns, claim.adjustments, function (adjustment, key) {
            return key === "amount" ? money(adjustment.amount) : words(adjustment[key]);
          });
        },
        lines: function () {
          return table("lines-table", config.lineColumns, claim.lines, function (line, key) {
            if (key === "procedureCode") return el("abbr", { title: line.procedureDescription, text: line.procedureCode });
            if (key === "modifiers") return line.modifiers.length ? line.modifiers.join(", ") : ABSENT;
            if (key === "serviceDate") return usDate(line.serviceDate);
            if (key === "billed" || key === "allowed" || key === "paid") return money(line[key]);
            if (key === "adjustments") {
              if (!line.adjustments.length) return ABSENT;
              return el("ul", { className: config.classes["adjustment-list"] }, line.adjustments.map(function (adjustment) {
                return el("li", { text: adjustmentText(adjustment) });
              }));
            }
            return words(line[key]);
          });
        },
      };
      config.claimSections.forEach(function (item) {
        content.appendChild(section(item.key, item.label, [renderers[item.key]()]));
      });
    });
  }

  function benefitAmount(benefit) {
    if (benefit.amount !== null) return money(benefit.amount);
    if (benefit.percent !== null) return benefit.percent + "%";
    return ABSENT;
  }

  function eligibilityResults() {
    var content = byKey("content");
    var params = new URLSearchParams(config.query || {});
    load("/api/eligibility?" + params.toString()).then(function (answer) {
      if (!answer) return;
      if (answer.status !== 200) return failed(answer);
      var found = answer.body;
      content.appendChild(el("p", {
        id: config.ids.inquiry, className: config.classes.muted,
        text: format(T.SHOWING_BENEFITS, { service_type: found.inquiry.serviceType, date: usDate(found.inquiry.dateOfService) }),
      }));
      var renderers = {
        coverage: function () {
          var coverage = found.coverage;
          return pairs(config.coverageLabels, {
            memberName: found.member.name,
            memberId: found.member.memberId,
            dateOfBirth: usDate(found.member.dateOfBirth),
            status: coverage.status,
            planName: coverage.planName,
            planType: coverage.planType,
            groupNumber: words(coverage.groupNumber),
            effectiveDate: usDate(coverage.effectiveDate),
            terminationDate: usDate(coverage.terminationDate),
            pcp: words(coverage.pcp),
          });
        },
        benefits: function () {
          if (!found.benefits.length) return el("p", { text: T.BENEFITS_UNAVAILABLE });
          return table("benefits-table", config.benefitColumns, found.benefits, function (benefit, key) {
            if (key === "amount") return benefitAmount(benefit);
            if (key === "met" || key === "remaining") return money(benefit[key]);
            return words(benefit[key]);
          });
        },
      };
      config.eligibilitySections.forEach(function (item) {
        content.appendChild(section(item.key, item.label, [renderers[item.key]()]));
      });
    });
  }

  /* A survey or an announcement over an overlay that takes every click until dismissed. */
  function openModal(modal) {
    var survey = modal.kind === "survey";
    var overlay;
    var close = function () { overlay.remove(); };
    var buttons = survey
      ? [
          el("button", { type: "button", className: config.classes.button, text: T.TAKE_SURVEY, onclick: close }),
          el("button", { type: "button", className: config.classes["link-button"], text: T.NO_THANKS, onclick: close }),
        ]
      : [el("button", { type: "button", className: config.classes.button, text: T.CLOSE, onclick: close })];
    var dialog = el("div", {
      role: "dialog", "aria-modal": "true", "aria-labelledby": config.ids["modal-title"],
      className: config.classes.modal, "data-testid": config.testids.modal,
    }, [
      el("h2", { id: config.ids["modal-title"], text: survey ? T.SURVEY_HEADING : T.ANNOUNCEMENT_HEADING }),
      el("p", { text: survey ? T.SURVEY_BODY : T.ANNOUNCEMENT_BODY }),
      el("div", { className: config.classes.actions }, buttons),
    ]);
    overlay = el("div", { className: config.classes.overlay }, [dialog]);
    document.body.appendChild(overlay);
    buttons[0].focus();
  }

  var pages = {
    "claim-search": claimSearch,
    "claim-results": claimResults,
    "claim-detail": claimDetail,
    "eligibility-search": eligibilitySearch,
    "eligibility-results": eligibilityResults,
  };
  if (pages[config.page]) pages[config.page]();
  if (config.modal) setTimeout(function () { openModal(config.modal); }, config.modal.delayMs);
})();
