"""One page-side evaluation reads label/value pairs in every common markup, tables with
multi-line cells, and tab panels, hidden ones and open shadow roots included (real Chromium)."""

from __future__ import annotations

from rpa.portal import reading

PAGE = """
<main id=root>
  <dl><dt>Claim Number</dt><dd>CLM1</dd><dt>Status</dt><dd>Paid</dd></dl>
  <table><tr><th scope=row>Billed Amount</th><td>$1,200.00</td></tr>
    <tr><th scope=row>Paid Amount</th><td>$950.00</td></tr></table>
  <label for=member>Member ID</label><input id=member value="SHP123">
  <div class="field"><span class="field-label">Plan Type</span><span class="field-value">PPO</span></div>
  <div class="row"><div>Group Number:</div><div>GRP-1</div></div>
  <p><strong>Payment Date:</strong> 11/03/2026</p>
  <div id=host></div>
  <div role=tablist><button role=tab id=t1 aria-controls=p1 aria-selected=true>Office Visit</button>
    <button role=tab id=t2 aria-controls=p2 aria-selected=false>Mental Health</button></div>
  <div role=tabpanel id=p1><table><thead><tr><th>Benefit</th><th>Notes</th></tr></thead>
    <tbody><tr><td>Co-Payment</td><td>Per visit<br>PCP only</td></tr></tbody></table></div>
  <div role=tabpanel id=p2 hidden><table><thead><tr><th>Benefit</th><th>Notes</th></tr></thead>
    <tbody><tr><td>Co-Insurance</td><td><ul><li>CO-45 Charge exceeds fee schedule ($45.00)</li>
      <li>PR-2 Coinsurance $10.00</li></ul></td></tr></tbody></table></div>
</main>
<script>
  const root = document.getElementById('host').attachShadow({mode: 'open'});
  root.innerHTML = '<dl><dt>Coverage Status</dt><dd>Active</dd></dl>';
</script>
"""


def test_label_value_pairs_in_every_common_markup_in_one_evaluation(page):
    page.set_content(PAGE)

    fields = page.locator("#root").evaluate(reading.READ_FIELDS)

    assert fields["Claim Number"] == "CLM1" and fields["Status"] == "Paid"
    assert fields["Billed Amount"] == "$1,200.00" and fields["Paid Amount"] == "$950.00"
    assert fields["Member ID"] == "SHP123" and fields["Plan Type"] == "PPO" and fields["Group Number"] == "GRP-1"
    assert fields["Payment Date"] == "11/03/2026" and fields["Coverage Status"] == "Active"


def test_tab_panels_are_read_hidden_ones_too_with_multi_line_cells_and_list_items(page):
    page.set_content(PAGE)

    panels = reading.tab_panels(page.locator("#root").evaluate(reading.READ_TABS))

    assert [(panel.tab, panel.selected) for panel in panels] == [("Office Visit", True), ("Mental Health", False)]
    visible, hidden = (panel.tables[0][0] for panel in panels)
    assert visible["Notes"].lines == ("Per visit", "PCP only")
    assert hidden["Benefit"].text == "Co-Insurance"
    assert hidden["Notes"].items == ("CO-45 Charge exceeds fee schedule ($45.00)", "PR-2 Coinsurance $10.00")


COMPONENTS = """
<claim-card id=card>
  <span slot=title>Claim CLM7</span>
</claim-card>
<script>
  customElements.define('benefit-meter', class extends HTMLElement {
    connectedCallback() {
      const root = this.attachShadow({mode: 'open'});
      root.innerHTML = `<div role=progressbar aria-label="Deductible met" aria-valuenow="${this.dataset.met}"
        aria-valuemin=0 aria-valuemax="${this.dataset.max}" style="width: 200px; height: 8px"></div>`;
    }
  });
  customElements.define('claim-card', class extends HTMLElement {
    connectedCallback() {
      const root = this.attachShadow({mode: 'open'});
      root.innerHTML = `
        <style>:host { display: block } .row { display: flex; gap: 4px }</style>
        <h2><slot name=title></slot></h2>
        <span class=badge role=img aria-label="Finalized - Paid">✓ Paid</span>
        <dl><dt>Billed</dt><dd>$1,200.00</dd><dt>Status</dt><dd><span aria-label="Finalized - Paid"></span></dd></dl>
        <div class=row><span class=label>Paid</span><span>$950.00</span></div>
        <table><thead><tr><th>Benefit</th><th>Met</th></tr></thead>
          <tbody><tr><td>Deductible</td><td><benefit-meter data-met="250.00" data-max="1500.00"></benefit-meter></td></tr></tbody>
        </table>`;
    }
  });
</script>
"""


def test_open_shadow_roots_slots_and_aria_values_are_read_like_any_markup(page):
    page.set_content(COMPONENTS)
    card = page.locator("#card")

    text = card.evaluate(reading.READ_TEXT)
    fields = card.evaluate(reading.READ_FIELDS)
    (row,) = reading.table_rows(card.evaluate(reading.READ_TABLE))

    assert text.splitlines()[0] == "Claim CLM7" and "$950.00" in text
    assert fields["Billed"] == "$1,200.00" and fields["Status"] == "Finalized - Paid" and fields["Paid"] == "$950.00"
    assert row["Benefit"].text == "Deductible" and row["Met"].text == "250.00"
