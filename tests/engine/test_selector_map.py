"""Selector maps are validated at load, with errors that name file, key and problem."""

from __future__ import annotations

import pytest

from rpa.core.errors import ConfigError
from rpa.payers.registry import discover, selector_map_for
from rpa.portal.selectors import load_selector_map


def write(tmp_path, text):
    path = tmp_path / "portal.yaml"
    path.write_text(text)
    return path


def test_ordered_fallbacks_load(tmp_path):
    selectors = load_selector_map(write(tmp_path, "elements:\n  login.username:\n    - {label: Username}\n    - {css: '#u'}\n"))
    kinds = [spec.kind for spec in selectors.specs("login.username")]
    assert kinds == ["label", "css"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("elements:\n  a: []\n", "a: must be a non-empty list"),
        ("elements:\n  a: [{label: x, css: y}]\n", "a[0]: needs exactly one of"),
        ("elements:\n  a: [{role: buton, name: x}]\n", "a[0]: 'buton' is not an ARIA role"),
        ("elements:\n  a: [{css: '#x', name: y}]\n", "a[0]: name cannot be used with css"),
        ("elements:\n  a: [{label: ''}]\n", "a[0]: label must be a non-empty string"),
        ("nope: 1\n", "must be a mapping with an 'elements' mapping"),
        ("elements: [1\n", "not valid YAML"),
    ],
)
def test_problems_name_file_key_and_problem(tmp_path, body, problem):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as error:
        load_selector_map(path)
    assert str(path) in error.value.message
    assert problem in error.value.message


def test_every_discovered_flow_has_a_valid_map_with_the_elements_it_uses():
    for info in discover().portals.values():
        selectors = selector_map_for(info.flow)
        assert set(info.flow.required_elements) <= set(selectors.elements)
