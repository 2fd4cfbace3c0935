"""The two UI variants. `v2` keeps every visible word of `v1` but renames ids, classes and test
ids and moves things (field order, column order, section order, navigation in a sidebar), the
way a portal's redesign breaks a robot that leaned on anything but labels."""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import blake2s
from typing import Literal

from rpa.sandbox import wording
from rpa.sandbox.wording import Section, Text


@dataclass(frozen=True)
class FormField:
    name: str
    """The query parameter, the same for the form and the JSON API."""
    label: str
    kind: Literal["text", "date", "select"]
    optional_hint: str | None = None


CLAIM_FIELDS = {
    field.name: field
    for field in (
        FormField("plan", Text.PLAN, "select"),
        FormField("npi", Text.BILLING_NPI, "text"),
        FormField("claimNumber", Text.CLAIM_NUMBER, "text"),
        FormField("memberId", Text.MEMBER_ID, "text"),
        FormField("dob", Text.PATIENT_DOB, "date"),
        FormField("from", Text.SERVICE_FROM, "date"),
        FormField("to", Text.SERVICE_TO, "date"),
    )
}
ELIGIBILITY_FIELDS = {
    field.name: field
    for field in (
        FormField("memberId", Text.MEMBER_ID, "text"),
        FormField("dob", Text.DATE_OF_BIRTH, "date"),
        FormField("firstName", Text.FIRST_NAME, "text", "Optional"),
        FormField("lastName", Text.LAST_NAME, "text", "Optional"),
        FormField("serviceType", Text.SERVICE_TYPE, "select"),
        FormField("date", Text.DATE_OF_SERVICE, "date"),
    )
}
CLAIM_SECTIONS = {
    "summary": Section.CLAIM_SUMMARY,
    "financial": Section.FINANCIAL_SUMMARY,
    "payment": Section.PAYMENT_INFORMATION,
    "adjustments": Section.CLAIM_ADJUSTMENTS,
    "lines": Section.SERVICE_LINES,
}
ELIGIBILITY_SECTIONS = {"coverage": Section.COVERAGE_SUMMARY, "benefits": Section.BENEFITS}

SCRIPT_KEYS = (
    "spinner",
    "results",
    "alert",
    "content",
    "results-table",
    "pagination",
    "previous",
    "next",
    "page-status",
    "showing",
    "lines-table",
    "adjustments-table",
    "benefits-table",
    "modal",
    "modal-title",
    "inquiry",
    *(f"section-{key}" for key in (*CLAIM_SECTIONS, *ELIGIBILITY_SECTIONS)),
)
"""Elements the pages' script creates or fills, named per variant."""
_CLASS_KEYS = (
    "shell",
    "header",
    "brand",
    "nav",
    "user",
    "main",
    "card",
    "form",
    "field",
    "label",
    "input",
    "hint",
    "actions",
    "button",
    "link-button",
    "alert",
    "notice",
    "table",
    "spinner",
    "pagination",
    "overlay",
    "modal",
    "section",
    "pairs",
    "muted",
    "adjustment-list",
)
_V2_CLASSES = dict(
    zip(
        _CLASS_KEYS,
        (
            "pp-frame",
            "pp-sidebar",
            "pp-logo",
            "pp-menu",
            "pp-account",
            "pp-content",
            "pp-panel",
            "pp-search",
            "pp-row",
            "pp-caption",
            "pp-entry",
            "pp-help",
            "pp-toolbar",
            "pp-cta",
            "pp-plain",
            "pp-message",
            "pp-info",
            "pp-grid",
            "pp-loader",
            "pp-pager",
            "pp-scrim",
            "pp-popup",
            "pp-block",
            "pp-facts",
            "pp-quiet",
            "pp-items",
        ),
    )
)


@dataclass(frozen=True)
class Variant:
    name: str
    claim_fields: tuple[str, ...]
    eligibility_fields: tuple[str, ...]
    claim_columns: tuple[str, ...]
    claim_sections: tuple[str, ...]
    line_columns: tuple[str, ...]
    adjustment_columns: tuple[str, ...]
    eligibility_sections: tuple[str, ...]
    coverage_labels: tuple[str, ...]
    benefit_columns: tuple[str, ...]

    @property
    def sidebar(self) -> bool:
        return self.name == "v2"

    def id(self, key: str) -> str:
        return key if self.name == "v1" else "f" + _scramble("id", key)

    def testid(self, key: str) -> str:
        return key if self.name == "v1" else "qa-" + _scramble("testid", key)

    def cls(self, *keys: str) -> str:
        return " ".join("sbx-" + key if self.name == "v1" else _V2_CLASSES[key] for key in keys)

    def script_config(self) -> dict:
        """What the pages' script needs to render in this variant's names, order and words."""
        return {
            "ui": self.name,
            "ids": {key: self.id(key) for key in SCRIPT_KEYS},
            "testids": {key: self.testid(key) for key in SCRIPT_KEYS},
            "classes": {key: self.cls(key) for key in _CLASS_KEYS},
            "text": {name: value for name, value in vars(Text).items() if name.isupper()},
            "noAdjustments": Section.NO_ADJUSTMENTS,
            "absent": wording.ABSENT,
            "claimColumns": _labelled(self.claim_columns, wording.CLAIM_RESULT_COLUMNS),
            "claimSections": _labelled(self.claim_sections, CLAIM_SECTIONS),
            "summaryLabels": _labelled(tuple(wording.CLAIM_SUMMARY_LABELS), wording.CLAIM_SUMMARY_LABELS),
            "financialLabels": _labelled(tuple(wording.FINANCIAL_LABELS), wording.FINANCIAL_LABELS),
            "paymentLabels": _labelled(tuple(wording.PAYMENT_LABELS), wording.PAYMENT_LABELS),
            "lineColumns": _labelled(self.line_columns, wording.LINE_COLUMNS),
            "adjustmentColumns": _labelled(self.adjustment_columns, wording.ADJUSTMENT_COLUMNS),
            "eligibilitySections": _labelled(self.eligibility_sections, ELIGIBILITY_SECTIONS),
            "coverageLabels": _labelled(self.coverage_labels, wording.COVERAGE_LABELS),
            "benefitColumns": _labelled(self.benefit_columns, wording.BENEFIT_COLUMNS),
        }


VARIANTS = {
    "v1": Variant(
        name="v1",
        claim_fields=tuple(CLAIM_FIELDS),
        eligibility_fields=tuple(ELIGIBILITY_FIELDS),
        claim_columns=tuple(wording.CLAIM_RESULT_COLUMNS),
        claim_sections=tuple(CLAIM_SECTIONS),
        line_columns=tuple(wording.LINE_COLUMNS),
        adjustment_columns=tuple(wording.ADJUSTMENT_COLUMNS),
        eligibility_sections=tuple(ELIGIBILITY_SECTIONS),
        coverage_labels=tuple(wording.COVERAGE_LABELS),
        benefit_columns=tuple(wording.BENEFIT_COLUMNS),
    ),
    "v2": Variant(
        name="v2",
        claim_fields=("claimNumber", "memberId", "dob", "from", "to", "npi", "plan"),
        eligibility_fields=("lastName", "firstName", "memberId", "dob", "date", "serviceType"),
        claim_columns=("status", "claimNumber", "serviceDates", "patientName", "memberId", "billedAmount", "claimId"),
        claim_sections=("summary", "lines", "adjustments", "payment", "financial"),
        line_columns=(
            "lineNumber",
            "status",
            "procedureCode",
            "modifiers",
            "serviceDate",
            "paid",
            "allowed",
            "billed",
            "adjustments",
        ),
        adjustment_columns=("reasonCode", "remarkCode", "reasonText", "group", "amount"),
        eligibility_sections=("benefits", "coverage"),
        coverage_labels=(
            "status",
            "planName",
            "planType",
            "groupNumber",
            "effectiveDate",
            "terminationDate",
            "memberName",
            "memberId",
            "dateOfBirth",
            "pcp",
        ),
        benefit_columns=(
            "benefit",
            "serviceType",
            "network",
            "coverageLevel",
            "amount",
            "remaining",
            "met",
            "timePeriod",
            "authorization",
            "notes",
        ),
    ),
}


SERVER_PAGES = {"v1": "v1", "v2": "v2", "v3": "v1"}
"""The variant of the pages the server still renders: v3 signs in and shows status pages as v1
does; everything after sign-in is its client-rendered app (static/app.js)."""


def _labelled(keys: tuple[str, ...], labels: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "label": labels[key]} for key in keys]


def _scramble(kind: str, key: str) -> str:
    return blake2s(f"{kind}:{key}".encode(), digest_size=4).hexdigest()
