/* Sandbox Health Provider Portal, UI v3: a client-rendered app of web components.
 * Every component renders into an OPEN shadow root; everything is read from the JSON API, with
 * the session cookie (auth=cookie) or a bearer token from the identity server (auth=token).
 * The DOM contract (element names, roles, names, test ids, aria attributes) is written down in
 * docs/sandbox-portal.md, "UI v3"; change it there first. */
(function () {
  "use strict";

  var config = JSON.parse(document.querySelector("script[data-portal-config]").textContent);
  var T = config.text;
  var ABSENT = config.absent;
  var TOKENS_KEY = "sbx.tokens";
  var SIGN_IN_KEY = "sbx.signin";

  var STATUS_BADGES = {
    "Received": ["●", "Received"],
    "In Process": ["◔", "Processing"],
    "Pended - Additional Information Requested": ["⏸", "Pended"],
    "Finalized - Paid": ["✓", "Paid"],
    "Finalized - Partially Paid": ["◑", "Partial"],
    "Finalized - Denied": ["✕", "Denied"],
    "Finalized - Adjusted": ["↺", "Adjusted"],
    "Finalized - No Payment": ["∅", "No pay"],
    "Rejected - Missing Information": ["!", "Rejected"],
    "Rejected - Invalid Information": ["!", "Rejected"],
    "Paid": ["✓", "Paid"],
    "Denied": ["✕", "Denied"],
    "Adjusted": ["↺", "Adjusted"],
    "No Payment": ["∅", "No pay"],
    "Active Coverage": ["✓", "Active"],
    "Inactive": ["✕", "Inactive"],
  };

  var sheet = new CSSStyleSheet();
  sheet.replaceSync([
    ":host { display: block; }",
    "[hidden] { display: none !important; }",
    "a { color: #1f5fa8; }",
    "h1 { font-size: 1.6rem; margin: 0 0 .75rem; } h2 { font-size: 1.2rem; margin: 0 0 .5rem; } h3 { font-size: 1.05rem; margin: 0 0 .5rem; }",
    ".bar { display: flex; align-items: center; gap: 2rem; padding: .75rem 1.5rem; background: #0f3d6e; color: #fff; }",
    ".bar a { color: #fff; text-decoration: none; } .brand { font-weight: 700; }",
    ".nav { display: flex; gap: 1.25rem; flex: 1; } .user { margin: 0; font-size: .9rem; opacity: .9; }",
    ".main { max-width: 1100px; margin: 1.5rem auto; padding: 0 1.5rem; }",
    ".card { background: #fff; border: 1px solid #d5dbe3; border-radius: 12px; padding: 1rem 1.25rem; margin-bottom: .75rem; }",
    ".tile { display: inline-block; min-width: 16rem; margin-right: 1rem; font-weight: 600; text-decoration: none; }",
    ".field { display: flex; flex-wrap: wrap; align-items: center; gap: .35rem .75rem; margin-bottom: .8rem; }",
    ".field label { flex: 0 0 12rem; font-weight: 600; } .field input, .field select { flex: 1 1 16rem; padding: .45rem .6rem; border: 1px solid #b8c2cf; border-radius: 6px; font: inherit; }",
    ".hint { flex-basis: 100%; margin-left: 12.75rem; color: #5b6778; font-size: .8rem; }",
    "button { font: inherit; cursor: pointer; } .primary { padding: .5rem 1.25rem; border: 0; border-radius: 6px; background: #1f5fa8; color: #fff; font-weight: 600; }",
    ".alert { padding: .75rem 1rem; margin-bottom: 1rem; border-left: 4px solid #a4262c; background: #fdecea; }",
    ".status { padding: .75rem 0; color: #5b6778; } .muted { color: #5b6778; }",
    ".feed { display: grid; gap: .75rem; } .end { color: #5b6778; padding: 1rem 0; } .sentinel { height: 1px; }",
    ".claim { min-height: 7rem; cursor: pointer; } .claim h2 { margin: 0 0 .5rem; } .claim h2 button { border: 0; background: none; padding: 0; color: #1f5fa8; font-size: 1.1rem; font-weight: 700; text-decoration: underline; }",
    "dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.5rem; margin: 0; } dt { font-weight: 600; color: #5b6778; } dd { margin: 0; }",
    ".facts { grid-template-columns: repeat(3, max-content 1fr); }",
    "table { width: 100%; border-collapse: collapse; background: #fff; } th, td { padding: .45rem .6rem; border-bottom: 1px solid #d5dbe3; text-align: left; vertical-align: top; } th { background: #e9eef4; font-size: .85rem; }",
    "ul { margin: 0; padding-left: 1.1rem; font-size: .85rem; }",
    ".drawer { position: fixed; top: 0; right: 0; bottom: 0; width: min(720px, 95vw); overflow: auto; z-index: 100; background: #f7f9fb; box-shadow: -8px 0 32px rgba(0,0,0,.25); padding: 1rem 1.5rem; }",
    ".drawer-head { display: flex; justify-content: space-between; align-items: center; position: sticky; top: -1rem; background: #f7f9fb; padding: .5rem 0; }",
    ".close { border: 1px solid #d5dbe3; border-radius: 50%; width: 2.2rem; height: 2.2rem; background: #fff; font-size: 1.2rem; }",
    ".badge { display: inline-flex; gap: .3rem; align-items: center; padding: .1rem .6rem; border-radius: 999px; background: #e8f1fb; color: #17487f; font-size: .8rem; font-weight: 600; white-space: nowrap; }",
    ".meter { display: flex; align-items: center; gap: .5rem; min-width: 8rem; } .track { flex: 1; height: .5rem; border-radius: 999px; background: #e3e8ee; overflow: hidden; } .fill { height: 100%; background: #2f8a4c; } .pct { font-size: .75rem; color: #5b6778; }",
  ].join("\n"));

  /* ---- small helpers ---------------------------------------------------------------------- */

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
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

  function randomState() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function readStored(key) {
    try { return JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  var never = new Promise(function () {});

  /* ---- signing in: the session cookie, or tokens from the identity server ------------------ */

  function cookieAuth() {
    return {
      start: function () { return Promise.resolve(); },
      headers: function () { return {}; },
      /* The session is gone: to the portal's sign-in page, which brings the browser back here. */
      unauthorized: function (body) {
        var here = window.location.pathname + window.location.search;
        var expired = body.error === "session_expired" ? "expired=1&" : "";
        window.location.assign("/login?" + expired + "next=" + encodeURIComponent(here));
        return never;
      },
      signOut: function () { window.location.assign("/logout"); },
    };
  }

  function tokenAuth(identity) {
    var tokens = readStored(TOKENS_KEY);
    var refreshing = null;
    var timer = null;

    function save(answer) {
      tokens = {
        access: answer.access_token,
        refresh: answer.refresh_token,
        ttlMs: answer.expires_in * 1000,
        expiresAt: Date.now() + answer.expires_in * 1000,
      };
      sessionStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
      schedule();
    }

    function forget() {
      clearTimeout(timer);
      tokens = null;
      sessionStorage.removeItem(TOKENS_KEY);
    }

    /* Refresh a fifth of the lifetime (at most 30 s) before the access token expires. */
    function schedule() {
      clearTimeout(timer);
      var marginMs = Math.min(30000, tokens.ttlMs / 5);
      timer = setTimeout(refresh, Math.max(0, tokens.expiresAt - marginMs - Date.now()));
    }

    /* To the identity server's sign-in; it sends the browser back to the callback with a code. */
    function authorize() {
      forget();
      var state = randomState();
      var here = window.location.pathname + window.location.search;
      if (window.location.pathname === "/auth/callback") here = "/home";
      sessionStorage.setItem(SIGN_IN_KEY, JSON.stringify({ state: state, returnTo: here }));
      var query = new URLSearchParams({
        response_type: "code", client_id: identity.clientId, redirect_uri: identity.redirectUri, state: state,
      });
      window.location.assign(identity.authorize + "?" + query.toString());
      return never;
    }

    /* A form POST without custom headers: a CORS "simple" request, no preflight. */
    function tokenRequest(fields) {
      return fetch(identity.token, { method: "POST", body: new URLSearchParams(fields) }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          return { ok: response.ok, body: body };
        });
      }, function () { return { ok: false, body: {} }; });
    }

    function refresh() {
      if (!tokens) return authorize();
      if (!refreshing) {
        refreshing = tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh, client_id: identity.clientId })
          .then(function (answer) {
            refreshing = null;
            if (!answer.ok) return authorize();
            save(answer.body);
            return true;
          });
      }
      return refreshing;
    }

    function finishSignIn() {
      var params = new URLSearchParams(window.location.search);
      var pending = readStored(SIGN_IN_KEY);
      sessionStorage.removeItem(SIGN_IN_KEY);
      if (!pending || !params.get("code") || params.get("state") !== pending.state) return authorize();
      return tokenRequest({
        grant_type: "authorization_code", code: params.get("code"), redirect_uri: identity.redirectUri, client_id: identity.clientId,
      }).then(function (answer) {
        if (!answer.ok) return authorize();
        save(answer.body);
        window.history.replaceState(null, "", pending.returnTo || "/home");
      });
    }

    return {
      start: function () {
        if (window.location.pathname === "/auth/callback") return finishSignIn();
        if (!tokens) return authorize();
        if (tokens.expiresAt <= Date.now()) return refresh();
        schedule();
        return Promise.resolve();
      },
      headers: function () { return tokens ? { Authorization: "Bearer " + tokens.access } : {}; },
      /* An access token refused: refresh once and retry; a second refusal means sign in again. */
      unauthorized: function (body, retried) { return retried ? authorize() : refresh(); },
      signOut: function () {
        var refreshToken = tokens && tokens.refresh;
        var done = refreshToken
          ? fetch(identity.revoke, { method: "POST", body: new URLSearchParams({ token: refreshToken, client_id: identity.clientId }) })
          : Promise.resolve();
        done.catch(function () {}).then(function () {
          window.history.replaceState(null, "", "/home");
          authorize();
        });
      },
    };
  }

  var auth = config.auth === "token" ? tokenAuth(config.identity) : cookieAuth();

  /* The API's answer as {status, body}; a refused session is auth's business (refresh or sign in). */
  function api(url, retried) {
    var request = { credentials: "same-origin", headers: Object.assign({ Accept: "application/json" }, auth.headers()) };
    return fetch(url, request).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status === 401) {
          return auth.unauthorized(body, retried).then(function () { return api(url, true); });
        }
        return { status: response.status, body: body };
      });
    }, function () { return { status: 0, body: {} }; });
  }

  function failureMessage(answer) {
    var known = [400, 404, 429, 503].indexOf(answer.status) >= 0 && answer.body.error !== "unavailable";
    return known && answer.body.message ? answer.body.message : T.API_FAILED;
  }

  /* ---- the base of every component: an open shadow root with the shared sheet ------------- */

  class Component extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: "open" });
      this.shadowRoot.adoptedStyleSheets = [sheet];
    }

    show(children) {
      this.shadowRoot.replaceChildren.apply(this.shadowRoot, children.filter(Boolean));
    }

    /* The spinner for spinner_ms, then the API call; the spinner stays until the answer is in. */
    load(url, statusNode, alertNode, waitText) {
      statusNode.textContent = waitText || T.WAIT;
      statusNode.hidden = false;
      alertNode.hidden = true;
      return sleep(config.spinnerMs || 0).then(function () { return api(url); }).then(function (answer) {
        statusNode.hidden = true;
        if (answer.status !== 200) {
          alertNode.textContent = failureMessage(answer);
          alertNode.hidden = false;
          return null;
        }
        return answer.body;
      });
    }
  }

  function statusNode(testid) {
    return el("div", { role: "status", className: "status", "data-testid": testid || "loading", hidden: true });
  }

  function alertNode() {
    return el("div", { role: "alert", className: "alert", "data-testid": "alert", hidden: true });
  }

  function region(key, heading, level, children) {
    return el("section", { className: "card", "aria-labelledby": "section-" + key, "data-testid": "section-" + key }, [
      el(level, { id: "section-" + key, text: heading }),
    ].concat(children));
  }

  function pairs(labels, values, className) {
    var list = el("dl", { className: className || "" });
    labels.forEach(function (item) {
      var value = values[item.key];
      list.appendChild(el("dt", { text: item.label }));
      list.appendChild(el("dd", { "data-field": item.key }, [value]));
    });
    return list;
  }

  function table(testid, columns, rows, cell) {
    return el("table", { "data-testid": testid }, [
      el("thead", {}, [el("tr", {}, columns.map(function (column) { return el("th", { scope: "col", text: column.label }); }))]),
      el("tbody", {}, rows.map(function (row) {
        return el("tr", {}, columns.map(function (column) { return el("td", { "data-column": column.key }, [cell(row, column.key)]); }));
      })),
    ]);
  }

  function badge(words) {
    return el("sbx-status-badge", { status: words });
  }

  /* ---- leaf components -------------------------------------------------------------------- */

  /* A status as an icon and a short word; its full meaning (the portal's words) is its aria-label. */
  class StatusBadge extends Component {
    connectedCallback() {
      var status = this.getAttribute("status");
      var look = STATUS_BADGES[status] || ["•", status];
      this.setAttribute("role", "img");
      this.setAttribute("aria-label", status);
      this.setAttribute("data-testid", "status-badge");
      this.setAttribute("title", status);
      this.show([el("span", { className: "badge" }, [el("span", { "aria-hidden": "true", text: look[0] }), look[1]])]);
    }
  }

  /* A benefit's met amount against its amount: a progressbar whose numbers are its aria values. */
  class BenefitMeter extends Component {
    connectedCallback() {
      var met = this.getAttribute("met");
      var amount = this.getAttribute("amount");
      var share = Number(amount) > 0 ? Math.min(100, Math.round((Number(met) / Number(amount)) * 100)) : 0;
      this.setAttribute("role", "progressbar");
      this.setAttribute("aria-label", format(T.METER_LABEL, { benefit: this.getAttribute("benefit") }));
      this.setAttribute("aria-valuemin", "0");
      this.setAttribute("aria-valuenow", met);
      this.setAttribute("aria-valuemax", amount);
      this.setAttribute("aria-valuetext", format(T.METER_TEXT, { met: money(met), amount: money(amount) }));
      this.setAttribute("data-testid", "met-meter");
      this.show([el("div", { className: "meter", "aria-hidden": "true" }, [
        el("div", { className: "track" }, [el("div", { className: "fill", style: "width: " + share + "%" })]),
        el("span", { className: "pct", text: share + "%" }),
      ])]);
    }
  }

  /* One claim in the results feed: an article named after its claim; its button opens the drawer. */
  class ClaimCard extends Component {
    connectedCallback() {
      var claim = this.claim;
      var open = function () {
        this.dispatchEvent(new CustomEvent("open-claim", { bubbles: true, composed: true, detail: claim }));
      }.bind(this);
      this.setAttribute("role", "article");
      this.setAttribute("aria-label", format(T.CLAIM_HEADING, { number: claim.claimNumber }));
      this.setAttribute("data-testid", "claim-card");
      this.setAttribute("data-claim-id", claim.claimId);
      var values = {
        claimId: claim.claimId,
        patientName: claim.patientName,
        memberId: claim.memberId,
        serviceDates: dateRange(claim.serviceDateFrom, claim.serviceDateTo),
        billedAmount: money(claim.billedAmount),
        status: badge(claim.status),
      };
      var labels = config.claimColumns.filter(function (column) { return column.key !== "claimNumber"; });
      this.show([el("div", { className: "card claim", onclick: open }, [
        el("h2", {}, [el("button", {
          type: "button", "data-testid": "open-claim", text: claim.claimNumber,
          "aria-label": format(T.OPEN_CLAIM, { number: claim.claimNumber }),
        })]),
        pairs(labels, values, "facts"),
      ])]);
    }
  }

  /* ---- claim detail and its drawer ---------------------------------------------------------- */

  function adjustmentText(adjustment) {
    var text = adjustment.group + " – CARC " + adjustment.reasonCode + ": " + adjustment.reasonText;
    if (adjustment.remarkCode) text += " – RARC " + adjustment.remarkCode;
    return text + " – " + money(adjustment.amount);
  }

  class ClaimDetail extends Component {
    connectedCallback() {
      var status = statusNode();
      var alert = alertNode();
      var content = el("div", { "data-testid": "claim-detail" });
      this.show([status, alert, content]);
      var self = this;
      this.load("/api/claims/" + encodeURIComponent(this.getAttribute("claim-id")), status, alert).then(function (claim) {
        if (!claim) return;
        self.dispatchEvent(new CustomEvent("claim-loaded", { bubbles: true, composed: true, detail: claim }));
        content.replaceChildren.apply(content, self.sections(claim));
      });
    }

    sections(claim) {
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
            status: badge(claim.status),
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
          return pairs(config.paymentLabels, { method: words(payment.method), number: words(payment.number), date: usDate(payment.date) });
        },
        adjustments: function () {
          if (!claim.adjustments.length) return el("p", { className: "muted", text: config.noAdjustments });
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
            if (key === "status") return badge(line.status);
            if (key === "adjustments") {
              if (!line.adjustments.length) return ABSENT;
              return el("ul", {}, line.adjustments.map(function (adjustment) { return el("li", { text: adjustmentText(adjustment) }); }));
            }
            return words(line[key]);
          });
        },
      };
      return config.claimSections.map(function (item) { return region(item.key, item.label, "h3", [renderers[item.key]()]); });
    }
  }

  /* A side panel over the results (non-modal: the list stays usable), one claim at a time. */
  class ClaimDrawer extends Component {
    open(claimId, claimNumber) {
      var title = el("h2", { id: "drawer-title", text: claimNumber ? format(T.CLAIM_HEADING, { number: claimNumber }) : T.CLAIM_DETAILS });
      var close = el("button", {
        type: "button", className: "close", "aria-label": T.CLOSE_CLAIM, "data-testid": "drawer-close", text: "×",
        onclick: this.close.bind(this),
      });
      var detail = el("sbx-claim-detail", { "claim-id": claimId });
      detail.addEventListener("claim-loaded", function (event) {
        title.textContent = format(T.CLAIM_HEADING, { number: event.detail.claimNumber });
      });
      this.setAttribute("open", "");
      this.show([el("aside", {
        role: "dialog", "aria-modal": "false", "aria-labelledby": "drawer-title", className: "drawer", "data-testid": "claim-drawer",
        onkeydown: function (event) { if (event.key === "Escape") this.close(); }.bind(this),
      }, [el("div", { className: "drawer-head" }, [title, close]), detail])]);
      close.focus();
    }

    close() {
      this.removeAttribute("open");
      this.show([]);
      this.dispatchEvent(new CustomEvent("drawer-closed", { bubbles: true, composed: true }));
    }
  }

  /* ---- views -------------------------------------------------------------------------------- */

  function formFields(fields, values, options) {
    return fields.map(function (field) {
      var id = "field-" + field.name;
      var hint = field.kind === "date" ? T.DATE_HINT : field.hint;
      var control = field.kind === "select"
        ? el("select", { id: id, name: field.name, "data-testid": id }, options[field.name].map(function (option) {
            return el("option", { value: option[0], text: option[1], selected: option[0] === (values[field.name] || "") });
          }))
        : el("input", {
            id: id, name: field.name, type: "text", autocomplete: "off", "data-testid": id, value: values[field.name] || "",
            placeholder: field.kind === "date" ? T.DATE_HINT : null, "aria-describedby": hint ? id + "-hint" : null,
          });
      return el("div", { className: "field" }, [
        el("label", { for: id, text: field.label }), control, hint ? el("span", { className: "hint", id: id + "-hint", text: hint }) : null,
      ]);
    });
  }

  function searchForm(testid, fields, values, options, button, onSubmit) {
    var alert = alertNode();
    var form = el("form", { className: "card", "data-testid": testid, novalidate: true }, formFields(fields, values, options).concat([
      el("div", {}, [el("button", { type: "submit", className: "primary", "data-testid": "search", text: button })]),
    ]));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var params = new URLSearchParams();
      fields.forEach(function (field) {
        var value = (form.elements[field.name].value || "").trim();
        if (value) params.set(field.name, value);
      });
      var problem = onSubmit(params);
      alert.textContent = problem || "";
      alert.hidden = !problem;
    });
    return [alert, form];
  }

  function query() {
    return Object.fromEntries(new URLSearchParams(window.location.search));
  }

  class HomeView extends Component {
    connectedCallback() {
      var heading = el("h1", { text: format(T.WELCOME, { name: app.user ? app.user.displayName : "" }) });
      this.show([
        heading,
        el("p", { className: "muted", text: T.HOME_INTRO }),
        el("a", { className: "card tile", href: "/claims", "data-testid": "tile-claims", text: T.HOME_CLAIMS_TILE }),
        el("a", { className: "card tile", href: "/eligibility", "data-testid": "tile-eligibility", text: T.HOME_ELIGIBILITY_TILE }),
      ]);
      app.whenUser(function (user) { heading.textContent = format(T.WELCOME, { name: user.displayName }); });
    }
  }

  class ClaimSearchView extends Component {
    connectedCallback() {
      this.show([
        el("h1", { text: T.CLAIM_SEARCH_HEADING }),
        el("p", { className: "muted", text: T.CLAIM_SEARCH_INTRO }),
      ].concat(searchForm("claim-search-form", config.claimFields, query(), { plan: config.plans }, T.SEARCH, function (params) {
        var byMember = params.get("memberId") && params.get("dob") && params.get("from") && params.get("to");
        if (!params.get("claimNumber") && !byMember) return T.CLAIM_SEARCH_HINT;
        app.navigate("/claims/results?" + params.toString());
      })));
    }
  }

  /* Results as a feed that loads the next page of 10 when its end scrolls into view. */
  class ClaimResultsView extends Component {
    connectedCallback() {
      var self = this;
      this.params = new URLSearchParams(window.location.search);
      this.nextPage = 1;
      this.shown = 0;
      this.done = !this.params.toString();
      this.status = statusNode();
      this.alert = alertNode();
      this.count = el("p", { className: "muted", "aria-live": "polite", "data-testid": "results-count", hidden: true });
      this.feed = el("div", { role: "feed", className: "feed", "aria-label": T.FEED_LABEL, "aria-busy": "false", "data-testid": "claim-feed" });
      this.retry = el("button", { type: "button", className: "primary", "data-testid": "retry", text: T.TRY_AGAIN, hidden: true,
        onclick: function () { self.retry.hidden = true; self.loadMore(); } });
      this.end = el("p", { className: "end", "data-testid": "feed-end", text: T.FEED_END, hidden: true });
      this.sentinel = el("div", { className: "sentinel", "aria-hidden": "true", "data-testid": "feed-sentinel" });
      this.drawer = el("sbx-claim-drawer", { "data-testid": "drawer-host" });
      this.show([
        el("h1", { text: T.CLAIM_RESULTS_HEADING }),
        el("p", {}, [el("a", { href: "/claims", "data-testid": "new-search", text: T.NEW_SEARCH })]),
        this.alert, this.count, this.feed, this.status, this.retry, this.end, this.sentinel, this.drawer,
      ]);
      this.shadowRoot.addEventListener("open-claim", function (event) { self.drawer.open(event.detail.claimId, event.detail.claimNumber); });
      this.observer = new IntersectionObserver(function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) self.loadMore();
      });
      if (this.getAttribute("claim-id")) this.drawer.open(this.getAttribute("claim-id"));
      if (!this.done) this.loadMore();
    }

    disconnectedCallback() {
      if (this.observer) this.observer.disconnect();
    }

    loadMore() {
      if (this.loading || this.done) return;
      var self = this;
      this.loading = true;
      this.feed.setAttribute("aria-busy", "true");
      this.params.set("page", String(this.nextPage));
      var waitText = this.nextPage === 1 ? T.WAIT : T.FEED_LOADING;
      this.load("/api/claims/search?" + this.params.toString(), this.status, this.alert, waitText).then(function (found) {
        self.loading = false;
        self.feed.setAttribute("aria-busy", "false");
        if (!found) {
          self.retry.hidden = false;
          return;
        }
        if (!found.results.length) {
          self.done = true;
          self.alert.textContent = found.message || T.NO_CLAIMS;
          self.alert.hidden = false;
          return;
        }
        found.results.forEach(function (claim) {
          var card = el("sbx-claim-card", { "aria-posinset": String(++self.shown), "aria-setsize": String(found.totalResults) });
          card.claim = claim;
          self.feed.appendChild(card);
        });
        self.nextPage = found.page + 1;
        self.done = found.page >= found.totalPages;
        self.count.textContent = format(T.FEED_COUNT, { shown: self.shown, total: found.totalResults });
        self.count.hidden = false;
        self.end.hidden = !self.done;
        if (self.done) self.observer.disconnect();
        else {
          self.observer.unobserve(self.sentinel);
          self.observer.observe(self.sentinel); /* observing anew reports at once if the end is still in view */
        }
      });
    }
  }

  class EligibilitySearchView extends Component {
    connectedCallback() {
      var values = Object.assign({ serviceType: "30", date: config.today }, query());
      this.show([
        el("h1", { text: T.ELIGIBILITY }),
        el("p", { className: "muted", text: T.ELIGIBILITY_INTRO }),
      ].concat(searchForm("eligibility-search-form", config.eligibilityFields, values, { serviceType: config.serviceTypes }, T.CHECK_ELIGIBILITY, function (params) {
        if (!params.get("memberId") || !params.get("dob")) return T.ELIGIBILITY_REQUIRED;
        app.navigate("/eligibility/results?" + params.toString());
      })));
    }
  }

  function benefitAmount(benefit) {
    if (benefit.amount !== null) return money(benefit.amount);
    if (benefit.percent !== null) return benefit.percent + "%";
    return ABSENT;
  }

  class EligibilityResultsView extends Component {
    connectedCallback() {
      var status = statusNode();
      var alert = alertNode();
      var content = el("div", { "data-testid": "eligibility-results" });
      this.show([
        el("h1", { text: T.ELIGIBILITY_RESULTS_HEADING }),
        el("p", {}, [el("a", { href: "/eligibility", "data-testid": "new-search", text: T.NEW_SEARCH })]),
        status, alert, content,
      ]);
      this.load("/api/eligibility?" + new URLSearchParams(window.location.search).toString(), status, alert).then(function (found) {
        if (!found) return;
        var renderers = {
          coverage: function () {
            var coverage = found.coverage;
            return pairs(config.coverageLabels, {
              memberName: found.member.name,
              memberId: found.member.memberId,
              dateOfBirth: usDate(found.member.dateOfBirth),
              status: badge(coverage.status),
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
              if (key === "met") {
                if (benefit.met === null || benefit.amount === null) return ABSENT;
                return el("sbx-benefit-meter", { met: benefit.met, amount: benefit.amount, benefit: benefit.benefit });
              }
              if (key === "remaining") return money(benefit.remaining);
              return words(benefit[key]);
            });
          },
        };
        content.replaceChildren.apply(content, [
          el("p", { className: "muted", "data-testid": "inquiry", text: format(T.SHOWING_BENEFITS, {
            service_type: found.inquiry.serviceType, date: usDate(found.inquiry.dateOfService),
          }) }),
        ].concat(config.eligibilitySections.map(function (item) { return region(item.key, item.label, "h2", [renderers[item.key]()]); })));
      });
    }
  }

  class NotFoundView extends Component {
    connectedCallback() {
      this.show([el("h1", { text: T.NOT_FOUND_HEADING }), el("p", { role: "alert", text: T.NOT_FOUND_BODY })]);
    }
  }

  /* ---- the app: header, navigation and the router ------------------------------------------ */

  var ROUTES = [
    [/^\/home\/?$/, "sbx-home"],
    [/^\/claims\/?$/, "sbx-claim-search"],
    [/^\/claims\/results\/?$/, "sbx-claim-results"],
    [/^\/claims\/([^/]+)$/, "sbx-claim-results", "claim-id"],
    [/^\/eligibility\/?$/, "sbx-eligibility-search"],
    [/^\/eligibility\/results\/?$/, "sbx-eligibility-results"],
  ];

  class App extends Component {
    connectedCallback() {
      var self = this;
      this.user = null;
      this.userWaiters = [];
      this.userLine = el("p", { className: "user", "data-testid": "signed-in-as" });
      this.outlet = el("main", { className: "main", "data-testid": "main" });
      var signingIn = el("div", { role: "status", className: "status", text: T.SIGNING_IN });
      this.outlet.appendChild(signingIn);
      this.show([
        el("header", { className: "bar" }, [
          el("a", { className: "brand", href: "/home", text: document.title }),
          el("nav", { "aria-label": "Main", className: "nav", "data-testid": "nav" }, [
            el("a", { href: "/claims", text: T.CLAIM_STATUS }),
            el("a", { href: "/eligibility", text: T.ELIGIBILITY }),
            el("a", { href: "/logout", "data-testid": "sign-out", text: T.SIGN_OUT }),
          ]),
          this.userLine,
        ]),
        this.outlet,
      ]);
      window.addEventListener("click", function (event) { self.followLink(event); });
      window.addEventListener("popstate", function () { self.route(); });
      auth.start().then(function () {
        self.route();
        return api("/api/me");
      }).then(function (answer) {
        if (!answer || answer.status !== 200) return;
        self.user = answer.body;
        self.userLine.textContent = format(T.SIGNED_IN_AS, { name: answer.body.displayName });
        self.userWaiters.splice(0).forEach(function (waiter) { waiter(answer.body); });
      });
    }

    whenUser(waiter) {
      if (this.user) waiter(this.user);
      else this.userWaiters.push(waiter);
    }

    /* Links inside any shadow root stay in the app; Sign out leaves it. */
    followLink(event) {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      var link = event.composedPath().find(function (node) { return node.tagName === "A" && node.getAttribute("href"); });
      if (!link || link.origin !== window.location.origin) return;
      event.preventDefault();
      if (link.pathname === "/logout") auth.signOut();
      else this.navigate(link.pathname + link.search);
    }

    navigate(path) {
      window.history.pushState(null, "", path);
      this.route();
    }

    route() {
      var path = window.location.pathname;
      var view = el("sbx-not-found");
      ROUTES.some(function (route) {
        var match = route[0].exec(path);
        if (!match) return false;
        view = el(route[1], route[2] ? { [route[2]]: decodeURIComponent(match[1]) } : {});
        return true;
      });
      this.outlet.replaceChildren(view);
      window.scrollTo(0, 0);
    }
  }

  var app = null;
  [
    ["sbx-status-badge", StatusBadge],
    ["sbx-benefit-meter", BenefitMeter],
    ["sbx-claim-card", ClaimCard],
    ["sbx-claim-detail", ClaimDetail],
    ["sbx-claim-drawer", ClaimDrawer],
    ["sbx-home", HomeView],
    ["sbx-claim-search", ClaimSearchView],
    ["sbx-claim-results", ClaimResultsView],
    ["sbx-eligibility-search", EligibilitySearchView],
    ["sbx-eligibility-results", EligibilityResultsView],
    ["sbx-not-found", NotFoundView],
  ].forEach(function (definition) { customElements.define(definition[0], definition[1]); });
  app = document.querySelector("sbx-app");
  customElements.define("sbx-app", App);
})();
