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
