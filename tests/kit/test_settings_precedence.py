"""Settings precedence, decided in one place: a later layer wins, whatever its specificity."""

from __future__ import annotations

import pytest

from rpa.core.settings import PortalLimits, load_settings

DECLARED = PortalLimits(max_sessions=8, min_interval_ms=100)


@pytest.fixture
def config(tmp_path, monkeypatch):
    def write(text: str) -> None:
        path = tmp_path / "rpa.yaml"
        path.write_text(text)
        monkeypatch.setenv("RPA_CONFIG", str(path))

    for name in ("RPA_MODE", "RPA_SESSIONS", "RPA_ACME_MODE", "RPA_ACME_MAX_SESSIONS", "RPA_ACME_URL"):
        monkeypatch.delenv(name, raising=False)
    return write


def test_the_flows_declaration_is_the_default(config):
    config("{}")
    portal = load_settings().portal("acme", DECLARED)
    assert (portal.max_sessions, portal.sessions, portal.min_interval_ms, portal.mode) == (8, 8, 100, "auto")


def test_the_config_file_for_the_portal_beats_the_config_file_in_general(config):
    config("mode: api\nportals: {acme: {mode: page, max_sessions: 2}}\n")
    portal = load_settings().portal("acme", DECLARED)
    assert (portal.mode, portal.max_sessions, portal.sessions) == ("page", 2, 2)


def test_the_environment_beats_the_config_file_even_when_less_specific(config, monkeypatch):
    config("portals: {acme: {mode: page}}\n")
    monkeypatch.setenv("RPA_MODE", "api")
    assert load_settings().portal("acme", DECLARED).mode == "api"


def test_the_command_line_beats_the_portals_environment_variable(config, monkeypatch):
    config("{}")
    monkeypatch.setenv("RPA_ACME_MODE", "api")
    assert load_settings().portal("acme", DECLARED).mode == "api"
    assert load_settings(mode="page").portal("acme", DECLARED).mode == "page"


def test_a_python_callers_copy_counts_as_the_command_line(config, monkeypatch):
    config("{}")
    monkeypatch.setenv("RPA_ACME_MODE", "api")
    settings = load_settings().model_copy(update={"mode": "page"})
    assert settings.portal("acme", DECLARED).mode == "page"


def test_sessions_never_exceed_the_portals_limit(config, monkeypatch):
    config("portals: {acme: {max_sessions: 3}}\n")
    monkeypatch.setenv("RPA_ACME_MAX_SESSIONS", "2")
    portal = load_settings(sessions=6).portal("acme", DECLARED)
    assert (portal.max_sessions, portal.sessions) == (2, 2)


def test_connection_settings_under_payers_get_a_clear_error(config):
    config("payers: {acme: {url: 'https://x'}}\n")
    with pytest.raises(Exception, match="belong under portals"):
        load_settings()
