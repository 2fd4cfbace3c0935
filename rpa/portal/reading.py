"""Reading a portal's markup in one page-side evaluation per read: label/value pairs in whatever
markup the portal uses, tables with multi-line cells, and tabbed panels, hidden ones included.

Portals print the same facts in many ways (`<dl>`, a two-column table of `<th>`/`<td>`, `<label>`
beside a value, a pair of `<div>`s, `<strong>Status:</strong> Paid`). The scripts here read all
of them, so a flow names a region and gets `{label: value}` back. Text of an element that is not
rendered (a hidden tab panel) is rebuilt from its nodes with the line breaks a browser would
draw, since `innerText` of an unrendered element loses them. Open shadow roots are walked too.
"""

from __future__ import annotations

from dataclasses import dataclass

_PRELUDE = r"""
const BLOCK = new Set(['ADDRESS','ARTICLE','ASIDE','BLOCKQUOTE','DD','DIV','DL','DT','FIELDSET','FIGURE','FOOTER','FORM',
  'H1','H2','H3','H4','H5','H6','HEADER','HR','LI','MAIN','NAV','OL','P','PRE','SECTION','TABLE','TBODY','THEAD','TFOOT','TR','UL']);
const SKIP = new Set(['SCRIPT','STYLE','TEMPLATE','NOSCRIPT']);
const clean = (text) => (text || '').split('\n').map(line => line.replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n');
const VALUED = new Set(['progressbar', 'meter', 'slider', 'spinbutton']);
const children = (node) => node.shadowRoot ? [...node.shadowRoot.childNodes] : [...node.childNodes];
const composedParent = (node) =>
  node.parentNode instanceof ShadowRoot ? node.parentNode.host : (node.assignedSlot || node.parentNode);
// What the page says without words: a progress bar's value, an image's (a status badge's)
// accessible name (ARIA makes an img's children presentational), an icon's label.
const ariaText = (el) => {
  const role = el.getAttribute('role');
  if (VALUED.has(role)) return el.getAttribute('aria-valuenow') || el.getAttribute('aria-valuetext') || '';
  if (role === 'img' && el.hasAttribute('aria-label')) return el.getAttribute('aria-label');
  if (el.hasAttribute('aria-label') && !el.textContent.trim() && !el.shadowRoot) return el.getAttribute('aria-label');
  return '';
};
// Elements whose innerText would miss something (a shadow root, a slot, or an ARIA-only value inside
// them), found once per evaluation; everything else is read with the browser's own innerText.
let walkOnly = null;
const needsWalk = (node) => {
  if (walkOnly === null) {
    walkOnly = new Set();
    const marked = (el) => el.shadowRoot || el.tagName === 'SLOT' || ariaText(el);
    for (const el of all(document, '*')) {
      if (!marked(el)) continue;
      for (let up = el; up && up.nodeType === 1 && !walkOnly.has(up); up = composedParent(up)) walkOnly.add(up);
    }
  }
  return walkOnly.has(node);
};
const displayOf = (node) => node.getClientRects().length ? getComputedStyle(node).display : null;
const rawText = (node) => {
  if (node.nodeType === 3) return node.nodeValue;
  if (node.nodeType !== 1 || SKIP.has(node.tagName)) return '';
  if (node.tagName === 'BR') return '\n';
  if (node.tagName === 'SLOT') {
    const assigned = node.assignedNodes({ flatten: true });
    return (assigned.length ? assigned : [...node.childNodes]).map(rawText).join('');
  }
  const aria = ariaText(node);
  if (aria) return VALUED.has(node.getAttribute('role')) ? ' ' + aria + ' ' : aria;
  const display = displayOf(node);
  const inner = display && !needsWalk(node) ? node.innerText : children(node).map(rawText).join('');
  if (display === 'table-cell' || (!display && (node.tagName === 'TD' || node.tagName === 'TH'))) return inner + '\t';
  const block = display ? !/^inline/.test(display) && display !== 'contents' : BLOCK.has(node.tagName);
  return block ? '\n' + inner + '\n' : inner;
};
const textOf = (el) => el ? clean(rawText(el)) : '';
const valueOf = (el) => {
  if (!el) return '';
  if (el.tagName === 'SELECT') return el.selectedIndex >= 0 ? clean(el.options[el.selectedIndex].text) : '';
  if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') {
    if (el.type === 'checkbox' || el.type === 'radio') return el.checked ? 'Yes' : 'No';
    return clean(el.value);
  }
  return textOf(el);
};
const all = (root, selector) => {
  const found = [...root.querySelectorAll(selector)];
  if (root.shadowRoot) found.push(...all(root.shadowRoot, selector));
  for (const host of root.querySelectorAll('*')) if (host.shadowRoot) found.push(...all(host.shadowRoot, selector));
  return found;
};
const LABELISH = /(^|[-_ ])(label|key|term|name|title|caption|heading)([-_ ]|$)/i;
const readFields = (root) => {
  const fields = {};
  const put = (label, value) => {
    const key = clean(label).replace(/\s*:\s*$/, '').trim();
    if (key && !(key in fields)) fields[key] = value;
  };
  for (const dt of all(root, 'dt')) {
    let dd = dt.nextElementSibling;
    while (dd && dd.tagName !== 'DD') dd = dd.nextElementSibling;
    if (dd) put(textOf(dt), textOf(dd));
  }
  for (const th of all(root, 'tr > th')) {
    const td = th.nextElementSibling;
    if (td && td.tagName === 'TD' && !th.closest('thead')) put(textOf(th), textOf(td));
  }
  for (const label of all(root, 'label')) {
    const value = byId(label, label.htmlFor) || label.nextElementSibling;
    if (value && value !== label) put(textOf(label), valueOf(value));
  }
  for (const element of all(root, '*')) {
    const kids = [...element.children];
    if (kids.length !== 2 || ['TR', 'DL', 'UL', 'OL', 'SELECT', 'TABLE', 'THEAD', 'TBODY'].includes(element.tagName)) continue;
    const [first, second] = kids;
    if (['DT', 'DD', 'TH', 'TD', 'LABEL', 'LI', 'INPUT', 'SELECT', 'BUTTON'].includes(first.tagName)) continue;
    if (kids.some(kid => kid.querySelector('dt, dd, th, td, label, table, section, li, div div'))) continue;
    const firstText = textOf(first);
    if (!firstText || firstText.includes('\n')) continue;
    if (LABELISH.test(first.className || '') || /:\s*$/.test(firstText) || first.tagName === 'STRONG' || first.tagName === 'B') {
      put(firstText, textOf(second));
    }
  }
  for (const strong of all(root, 'strong, b')) {
    const label = textOf(strong);
    const parent = strong.parentElement;
    if (!/:\s*$/.test(label) || !parent || parent.children.length !== 1) continue;
    const whole = textOf(parent);
    if (whole.startsWith(label)) put(label, clean(whole.slice(label.length)));
  }
  return fields;
};
const cellOf = (cell) => {
  const text = textOf(cell);
  return {
    text,
    lines: text.split('\n').filter(Boolean),
    items: [...cell.querySelectorAll('li')].map(textOf),
    links: [...cell.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
  };
};
const readTable = (table) => {
  let headerCells = [...table.querySelectorAll(':scope > thead > tr > th, :scope > thead > tr > td')];
  let bodyRows = [...table.querySelectorAll(':scope > tbody > tr, :scope > tr')];
  if (!headerCells.length) {
    const rows = [...table.querySelectorAll('tr')];
    headerCells = rows.length ? [...rows[0].children] : [];
    bodyRows = rows.slice(1);
  }
  const headers = headerCells.map(cell => textOf(cell).replace(/\n/g, ' '));
  return bodyRows.filter(tr => tr.children.length > 1 || headers.length <= 1).map(tr => {
    const row = {};
    [...tr.children].forEach((cell, index) => { row[headers[index] || ('column ' + index)] = cellOf(cell); });
    return row;
  });
};
const byId = (node, id) => {
  const scope = node.getRootNode();
  return id && scope.getElementById ? scope.getElementById(id) : null;
};
const tableIn = (root) => root.tagName === 'TABLE' ? root : (all(root, 'table')[0] || null);
"""

READ_FIELDS = f"(root) => {{ {_PRELUDE} return readFields(root); }}"
READ_TABLE = f"(root) => {{ {_PRELUDE} const table = tableIn(root); return table ? readTable(table) : []; }}"
READ_TEXT = f"(root) => {{ {_PRELUDE} return textOf(root); }}"
READ_VALUE = f"(root) => {{ {_PRELUDE} return valueOf(root); }}"
READ_TABS = f"""(root) => {{ {_PRELUDE}
  const document_ = root.ownerDocument;
  let tabs = all(root, '[role=tab]');
  if (!tabs.length) tabs = all(document_, '[role=tab]');
  return tabs.map(tab => {{
    const id = tab.getAttribute('aria-controls');
    let panel = byId(tab, id);
    if (!panel && tab.id) {{
      panel = all(document_, '[role=tabpanel]').find(p => p.getAttribute('aria-labelledby') === tab.id) || null;
    }}
    return {{
      tab: textOf(tab),
      selected: tab.getAttribute('aria-selected') === 'true',
      fields: panel ? readFields(panel) : {{}},
      tables: panel ? all(panel, 'table').map(readTable) : [],
      text: panel ? textOf(panel) : '',
    }};
  }});
}}"""
FINGERPRINT = f"(root) => {{ {_PRELUDE} return textOf(root).slice(0, 2000); }}"
SIZE = f"(root) => {{ {_PRELUDE} return all(root, '*').length; }}"
READ_ITEMS = f"""(items) => items.map((item) => {{ {_PRELUDE}
  const heading = all(item, 'h1, h2, h3, h4, h5, h6, [role=heading]')[0];
  return {{ fields: readFields(item), heading: heading ? textOf(heading) : '', name: item.getAttribute('aria-label') || '' }};
}})"""
"""Every item of a list of cards (articles, feed entries): its fields, heading and name."""
SCROLL_TO_END = f"""(root) => {{ {_PRELUDE}
  const elements = all(root, '*');
  const last = elements[elements.length - 1] || root;
  last.scrollIntoView({{block: 'end'}});
  for (let el = root; el; el = composedParent(el)) {{
    if (el.nodeType === 1 && el.scrollHeight > el.clientHeight) el.scrollTop = el.scrollHeight;
  }}
  window.scrollTo(0, document.documentElement.scrollHeight);
}}"""
"""Scroll a list (and whatever scrolls around it) to its end, as a person would to load more."""
IS_ENABLED = """(el) => !(el.disabled || el.getAttribute('aria-disabled') === 'true'
  || /(^|\\s)disabled(\\s|$)/.test(el.className || ''))"""


@dataclass(frozen=True)
class Cell:
    """One table cell: its text (lines joined by newlines), its lines, list items and links."""

    text: str
    lines: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    links: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, cell: dict) -> Cell:
        return cls(cell["text"], tuple(cell["lines"]), tuple(cell["items"]), tuple(cell["links"]))


@dataclass(frozen=True)
class Item:
    """One card of a list: its label/value pairs, its heading's text and its accessible name."""

    fields: dict[str, str]
    heading: str
    name: str


@dataclass(frozen=True)
class TabPanel:
    tab: str
    selected: bool
    fields: dict[str, str]
    tables: list[list[dict[str, Cell]]]
    text: str


def table_rows(rows: list[dict]) -> list[dict[str, Cell]]:
    return [{header: Cell.from_json(cell) for header, cell in row.items()} for row in rows]


def tab_panels(panels: list[dict]) -> list[TabPanel]:
    return [
        TabPanel(panel["tab"], panel["selected"], panel["fields"], [table_rows(rows) for rows in panel["tables"]], panel["text"])
        for panel in panels
    ]
