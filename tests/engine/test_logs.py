"""The log masks PHI and never holds a secret."""

from __future__ import annotations

import json

from rpa.core.logs import SECRETS, close_logging, configure_logging, get_logger, mask_phi


def test_phi_is_masked_member_ids_to_last_four_names_to_initials_dob_removed():
    event = {
        "member_id": "SBX123456789",
        "patient_name": "DOE, JANE",
        "patient_dob": "1980-01-02",
        "query": {"date_of_birth": "x"},
    }
    assert mask_phi(event) == {"member_id": "********6789", "patient_name": "D.J.", "query": {}}


def test_secrets_never_reach_the_log_file(tmp_path):
    SECRETS.add("hunter2-password-value")
    log_path = tmp_path / "log.jsonl"
    configure_logging(log_path)
    get_logger().info("sign_in_started", password="plain", note="typed hunter2-password-value here", session_cookie="abc")
    close_logging()
    event = json.loads(log_path.read_text())
    assert "hunter2-password-value" not in log_path.read_text()
    assert event["password"] == "[redacted]" and event["session_cookie"] == "[redacted]"
    assert oct(log_path.stat().st_mode & 0o777) == "0o600"
