"""Declared sign-in steps are validated at load; dialogs are answered by policy, never silently."""

from __future__ import annotations

import re

import pytest

from rpa.core.errors import ConfigError
from rpa.payers.signin import parse_sign_in
from rpa.portal.dialogs import DialogAnswerer
from rpa.portal.selectors import DialogRule, aria_roles, load_selector_map

MAP = """
sign_in:
  start: /login
  signed_in: home
  steps:
    - {name: username, page: user, fill: {user: username}, submit: next}
    - {name: security question, page: answer, fill: {answer: security_answer}, check: [remember], submit: next, refused: error}
elements:
  home: {role: link, name: Sign out}
  user: {label: Username}
  answer: {label: Answer}
  remember: {label: Remember this device}
  next: {role: button, name: Continue}
  error: {role: alert}
"""


def test_a_declared_sign_in_says_which_credential_fields_it_sends(tmp_path):
    path = tmp_path / "selectors.yaml"
    path.write_text(MAP)
    plan = parse_sign_in(load_selector_map(path))
    assert plan.fields == {"security_answer"} and [step.name for step in plan.steps] == ["username", "security question"]


def test_a_step_naming_an_element_the_map_lacks_names_the_file(tmp_path):
    path = tmp_path / "selectors.yaml"
    path.write_text(MAP.replace("submit: next, refused: error", "submit: continue_button, refused: error"))
    with pytest.raises(ConfigError, match=r"selectors.yaml: sign_in: element\(s\) continue_button"):
        parse_sign_in(load_selector_map(path))


@pytest.mark.parametrize(
    ("kind", "message", "answer"),
    [
        ("confirm", "Your session is about to expire. Do you want to continue?", "accept"),
        ("confirm", "You have been inactive. Click OK to stay signed in.", "accept"),
        ("confirm", "Are you sure you want to log out?", "dismiss"),
        ("confirm", "Delete this claim?", "dismiss"),
        ("alert", "Saved.", "accept"),
        ("prompt", "Enter a note", "dismiss"),
    ],
)
def test_session_prompts_are_kept_and_anything_else_confirms_nothing(kind, message, answer):
    assert DialogAnswerer(()).answer_for(kind, message) == answer


def test_a_portals_own_rule_comes_first():
    rules = (DialogRule("accept", re.compile("log out", re.I), "confirm"),)
    assert DialogAnswerer(rules).answer_for("confirm", "Are you sure you want to log out?") == "accept"


def test_every_role_playwright_accepts_can_be_named():
    assert {"treeitem", "switch", "searchbox", "tab", "tabpanel", "combobox", "option"} <= aria_roles()


def test_frames_parameters_and_patterns_are_read_from_the_map(tmp_path):
    path = tmp_path / "selectors.yaml"
    path.write_text(
        "frames:\n  app: {selector: 'iframe#app', elements: ['claims.*']}\n  deep: [iframe#outer, iframe#inner]\n"
        "elements:\n"
        "  claims.row: {role: link, name: '{claim_number}', exact: true}\n"
        "  claims.provider: {role: option, name: '/NPI\\\\s*{npi}/'}\n"
        "  top.banner: {text: Welcome, frame: top}\n"
        "  claims.top: {text: Help, frame: top}\n"
        "  nested: {css: '#x', frame: deep}\n"
    )
    selectors = load_selector_map(path)
    assert selectors.specs("claims.row")[0].frame == ("iframe#app",)
    assert selectors.specs("claims.top")[0].frame == ()
    assert selectors.specs("nested")[0].frame == ("iframe#outer", "iframe#inner")
    assert selectors.parameters("claims.row") == {"claim_number"} and selectors.parameters("claims.provider") == {"npi"}


def test_an_unknown_frame_names_file_and_key(tmp_path):
    path = tmp_path / "selectors.yaml"
    path.write_text("elements:\n  a: {css: '#x', frame: app}\n")
    with pytest.raises(ConfigError, match=r"selectors.yaml: a\[0\]: frame 'app' is not in the frames section"):
        load_selector_map(path)
