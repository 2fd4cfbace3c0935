"""How portals print values: each portal's habits from its wording map, US defaults otherwise."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rpa.core.errors import ConfigError, FlowError
from rpa.portal.formats import US, Formats


def test_us_defaults_read_money_dates_ranges_and_absent_marks():
    assert US.money("$1,234.56") == Decimal("1234.56")
    assert US.money("($45.00)") == Decimal("-45.00")
    assert US.money("-$3.10") == Decimal("-3.10")
    assert US.date("11/03/2026") == date(2026, 11, 3)
    assert US.date_range("10/01/2026 to 10/03/2026") == (date(2026, 10, 1), date(2026, 10, 3))
    assert US.date_range("10/01/2026") == (date(2026, 10, 1), date(2026, 10, 1))
    assert US.money("--") is None and US.text("N/A") is None and US.date("—") is None
    assert US.percent("20%") == Decimal("0.20")


def test_a_portal_declares_its_own_patterns_and_marks():
    formats = Formats.from_mapping({"dates": ["%d.%m.%Y"], "absent": ["(none)"], "range_separators": [" until "]}, "x.yaml")
    assert formats.date("03.11.2026") == date(2026, 11, 3)
    assert formats.text("(none)") is None
    assert formats.date_range("01.10.2026 until 03.10.2026") == (date(2026, 10, 1), date(2026, 10, 3))


def test_unreadable_values_fail_loudly_with_the_text():
    with pytest.raises(FlowError, match="'about ten dollars'"):
        US.money("about ten dollars")
    with pytest.raises(FlowError, match="'2026/31/12'"):
        US.date("2026/31/12")


def test_a_bad_formats_section_names_the_file():
    with pytest.raises(ConfigError, match="x.yaml: formats"):
        Formats.from_mapping({"dates": "%m/%d/%Y"}, "x.yaml")
