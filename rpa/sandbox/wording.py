"""The portal's words, in one place, and the X12 meanings a correct mapping gives them.

Pages, scripts and the JSON API show only the words. The code tables at the end are the
contract's mapping tables (docs/sandbox-portal.md); only the ground truth reads them, the way a
correct flow would.
"""

from __future__ import annotations

from enum import StrEnum

PORTAL_NAME = "Sandbox Health Provider Portal"
ABSENT = "—"
"""How pages show an absent value."""


class ClaimStatusWords(StrEnum):
    RECEIVED = "Received"
    IN_PROCESS = "In Process"
    PENDED = "Pended - Additional Information Requested"
    PAID = "Finalized - Paid"
    PARTIALLY_PAID = "Finalized - Partially Paid"
    DENIED = "Finalized - Denied"
    ADJUSTED = "Finalized - Adjusted"
    NO_PAYMENT = "Finalized - No Payment"
    REJECTED_MISSING = "Rejected - Missing Information"
    REJECTED_INVALID = "Rejected - Invalid Information"


FINALIZED = frozenset(
    {
        ClaimStatusWords.PAID,
        ClaimStatusWords.PARTIALLY_PAID,
        ClaimStatusWords.DENIED,
        ClaimStatusWords.ADJUSTED,
        ClaimStatusWords.NO_PAYMENT,
    }
)


class LineStatusWords(StrEnum):
    """A finalized claim's lines; an unfinalized claim's lines carry the claim's own status."""

    PAID = "Paid"
    DENIED = "Denied"
    ADJUSTED = "Adjusted"
    NO_PAYMENT = "No Payment"


class AdjustmentGroupWords(StrEnum):
    CONTRACTUAL_OBLIGATION = "Contractual Obligation"
    PATIENT_RESPONSIBILITY = "Patient Responsibility"
    OTHER_ADJUSTMENT = "Other Adjustment"
    PAYER_INITIATED_REDUCTION = "Payer Initiated Reduction"


class PaymentMethod(StrEnum):
    CHECK = "Check"
    EFT = "EFT"


class PlanTypeWords(StrEnum):
    PPO = "PPO"
    HMO = "HMO"
    MEDICARE_ADVANTAGE_HMO = "Medicare Advantage HMO"
    MEDICAID_MANAGED_CARE = "Medicaid Managed Care"


class CoverageStatusWords(StrEnum):
    ACTIVE = "Active Coverage"
    INACTIVE = "Inactive"


class BenefitWords(StrEnum):
    CO_INSURANCE = "Co-Insurance"
    CO_PAYMENT = "Co-Payment"
    DEDUCTIBLE = "Deductible"
    OUT_OF_POCKET = "Out-of-Pocket Maximum"


class CoverageLevelWords(StrEnum):
    INDIVIDUAL = "Individual"
    FAMILY = "Family"


class NetworkWords(StrEnum):
    IN = "In-Network"
    OUT = "Out-of-Network"


class TimePeriodWords(StrEnum):
    CALENDAR_YEAR = "Calendar Year"
    PER_VISIT = "Per Visit"


AUTHORIZATION_WORDS = {True: "Required", False: "Not Required"}

SERVICE_TYPES = {
    "30": "Health Benefit Plan Coverage",
    "98": "Professional (Physician) Visit - Office",
    "86": "Emergency Services",
    "UC": "Urgent Care",
    "MH": "Mental Health",
    "48": "Hospital - Inpatient",
    "50": "Hospital - Outpatient",
    "33": "Chiropractic",
    "88": "Pharmacy",
}
"""Service-type codes (the eligibility form's option values) and their words, in menu order."""
PLAN_LEVEL_SERVICE_TYPE = "30"


class Text:
    """Every heading, label, button and message the pages and their script show."""

    SIGN_IN = "Sign in"
    USERNAME = "Username"
    PASSWORD = "Password"
    SESSION_EXPIRED = "Your session has expired. Please sign in again."
    SIGNED_OUT = "You have been signed out."
    WRONG_PASSWORD = "The username or password you entered is incorrect."
    ATTEMPTS_REMAINING = "Attempts remaining before your account is locked: {count}."
    LOCKED = "Your account has been locked after too many failed sign-in attempts. Contact your administrator."
    FORM_EXPIRED = "Your sign-in page expired. Please try again."
    SIGN_IN_AGAIN = "Please sign in again."
    TOO_MANY_CODES = "Too many incorrect verification codes. Please sign in again."

    VERIFY_HEADING = "Verify your identity"
    VERIFY_INTRO = "Enter the 6-digit code from your authenticator app."
    VERIFICATION_CODE = "Verification code"
    REMEMBER_DEVICE = "Remember this device for 30 days"
    VERIFY = "Verify"
    WRONG_CODE = "The verification code is incorrect or has expired."

    CAPTCHA_HEADING = "Security check"
    CAPTCHA_INTRO = "To continue, confirm you are not a robot."
    CAPTCHA_IMAGE = "Distorted characters to type"
    CAPTCHA_FIELD = "Enter the characters shown"
    CAPTCHA_WRONG = "The characters you entered did not match. Please try again."
    CONTINUE = "Continue"

    WELCOME = "Welcome, {name}"
    HOME_INTRO = "Look up claims and patient coverage for every Sandbox Health plan."
    HOME_CLAIMS_TILE = "Look up a claim"
    HOME_ELIGIBILITY_TILE = "Verify patient coverage"
    CLAIM_STATUS = "Claim Status"
    ELIGIBILITY = "Eligibility & Benefits"
    SIGN_OUT = "Sign out"
    SIGNED_IN_AS = "Signed in as {name}"

    CLAIM_SEARCH_HEADING = "Claim Status Inquiry"
    CLAIM_SEARCH_HINT = "Enter a claim number, or a member ID with date of birth and service dates."
    CLAIM_SEARCH_INTRO = "Search by claim number alone, or by member ID, patient date of birth and service dates."
    ELIGIBILITY_INTRO = "Verify coverage and benefits before the visit."
    CLAIM_RESULTS_HEADING = "Claim Search Results"
    PLAN = "Plan"
    ALL_PLANS = "All plans"
    BILLING_NPI = "Billing Provider NPI"
    CLAIM_NUMBER = "Claim Number"
    MEMBER_ID = "Member ID"
    PATIENT_DOB = "Patient Date of Birth"
    SERVICE_FROM = "Service Date From"
    SERVICE_TO = "Service Date To"
    SEARCH = "Search"
    NEW_SEARCH = "New search"
    DATE_HINT = "MM/DD/YYYY"
    WAIT = "Please wait while we retrieve your results..."
    NO_CLAIMS = "No claims found matching your search criteria."
    API_FAILED = "We're sorry, something went wrong. Please try again."
    PREVIOUS = "Previous"
    NEXT = "Next"
    PAGE_OF = "Page {page} of {pages}"
    SHOWING = "Showing {first}–{last} of {total} claims"
    CLAIM_HEADING = "Claim {number}"
    CLAIM_NOT_FOUND = "We couldn't find that claim."
    BACK_TO_RESULTS = "Back to results"

    INVALID_DATE = "Enter the date as MM/DD/YYYY."
    INVALID_NPI = "Enter a valid 10-digit NPI."
    DATES_OUT_OF_ORDER = "Service Date From must be on or before Service Date To."
    REQUIRED = "Required."
    ELIGIBILITY_REQUIRED = "Enter the member ID and date of birth."

    ELIGIBILITY_RESULTS_HEADING = "Eligibility Inquiry Results"
    DATE_OF_BIRTH = "Date of Birth"
    FIRST_NAME = "First Name"
    LAST_NAME = "Last Name"
    SERVICE_TYPE = "Service Type"
    DATE_OF_SERVICE = "Date of Service"
    CHECK_ELIGIBILITY = "Check Eligibility"
    MEMBER_NOT_FOUND = "Member not found. Verify the member ID, date of birth and name and try again."
    BENEFITS_UNAVAILABLE = "Benefits are not available because coverage is not active on the date of service."
    SHOWING_BENEFITS = "Showing {service_type} benefits on {date}."

    SURVEY_HEADING = "Tell us about your experience"
    SURVEY_BODY = "Answer three quick questions to help us improve the portal."
    TAKE_SURVEY = "Take survey"
    NO_THANKS = "No thanks"
    ANNOUNCEMENT_HEADING = "Important announcement"
    ANNOUNCEMENT_BODY = "Starting January 1, prior authorization requests for advanced imaging move to the Authorizations page."
    CLOSE = "Close"

    FEED_LABEL = "Claim search results"
    FEED_COUNT = "Showing {shown} of {total} claims"
    FEED_LOADING = "Loading more claims..."
    FEED_END = "End of results."
    TRY_AGAIN = "Try again"
    CLAIM_DETAILS = "Claim details"
    CLOSE_CLAIM = "Close claim details"
    OPEN_CLAIM = "Open claim {number}"
    METER_LABEL = "{benefit} met"
    METER_TEXT = "{met} of {amount}"
    SIGNING_IN = "Signing you in..."
    IDENTITY_INTRO = "to continue to {client}"
    REQUEST_INVALID_HEADING = "Sign-in request not valid"
    REQUEST_INVALID_BODY = "This sign-in link is not valid or has expired. Return to the portal and try again."
    SIGN_IN_FAILED = "We couldn't sign you in. Please try again."

    ERROR_HEADING = "Something went wrong"
    ERROR_BODY = "We're sorry, an unexpected error occurred. Please try again."
    UNAVAILABLE_HEADING = "Service temporarily unavailable"
    UNAVAILABLE_BODY = "The portal is busy right now. Please try again in a few minutes."
    MAINTENANCE_HEADING = "Scheduled maintenance"
    MAINTENANCE_BODY = "The portal is unavailable during scheduled maintenance. Please try again later."
    RATE_LIMITED_HEADING = "Too many requests"
    RATE_LIMITED_BODY = "You are making requests too quickly. Please wait a moment and try again."
    NOT_FOUND_HEADING = "Page not found"
    NOT_FOUND_BODY = "The page you requested does not exist."
    RETURN_HOME = "Return to home"
    SESSION_EXPIRED_API = "Your session has expired."
    NOT_SIGNED_IN_API = "Sign in to use the portal."
    INVALID_TOKEN_API = "The access token is invalid or has expired."


class Section:
    """Headings of the detail and eligibility pages' sections, and their label/value pairs."""

    CLAIM_SUMMARY = "Claim Summary"
    FINANCIAL_SUMMARY = "Financial Summary"
    PAYMENT_INFORMATION = "Payment Information"
    CLAIM_ADJUSTMENTS = "Claim Adjustments"
    SERVICE_LINES = "Service Lines"
    COVERAGE_SUMMARY = "Coverage Summary"
    BENEFITS = "Benefits"
    NO_ADJUSTMENTS = "No adjustments."


# The contract's mapping tables: portal words -> X12 meanings. Only the ground truth reads these.
CLAIM_STATUS_CODES = {
    "Received": ("A1", "19"),
    "In Process": ("P1", "20"),
    "Pended - Additional Information Requested": ("P3", "21"),
    "Finalized - Paid": ("F1", "65"),
    "Finalized - Partially Paid": ("F1", "65"),
    "Finalized - Denied": ("F2", "1"),
    "Finalized - Adjusted": ("F3", "65"),
    "Finalized - No Payment": ("F4", "104"),
    "Rejected - Missing Information": ("A6", "21"),
    "Rejected - Invalid Information": ("A7", "21"),
}
LINE_STATUS_CATEGORIES = {
    **{words: codes[0] for words, codes in CLAIM_STATUS_CODES.items()},
    "Paid": "F1",
    "Denied": "F2",
    "Adjusted": "F3",
    "No Payment": "F4",
}
GROUP_CODES = {
    "Contractual Obligation": "CO",
    "Patient Responsibility": "PR",
    "Other Adjustment": "OA",
    "Payer Initiated Reduction": "PI",
}
COVERAGE_STATUS_CODES = {"Active Coverage": (True, "1"), "Inactive": (False, "6")}
PLAN_TYPE_CODES = {
    "PPO": "PR",
    "HMO": "HM",
    "Medicare Advantage HMO": "HN",
    "Medicaid Managed Care": "MC",
}
BENEFIT_CODES = {"Co-Insurance": "A", "Co-Payment": "B", "Deductible": "C", "Out-of-Pocket Maximum": "G"}
COVERAGE_LEVEL_CODES = {"Individual": "IND", "Family": "FAM"}
NETWORK_CODES = {"In-Network": "in", "Out-of-Network": "out"}
SERVICE_TYPE_CODES = {words: code for code, words in SERVICE_TYPES.items()}
TIME_PERIOD_CODES = {"Calendar Year": "23", "Per Visit": "27"}
REMAINING_TIME_PERIOD = "29"
AUTHORIZATION_CODES = {"Required": True, "Not Required": False}

PEND_REASONS = (
    "Medical records requested from the provider.",
    "Itemized bill requested from the provider.",
    "Coordination of benefits information requested from the member.",
    "Accident details requested from the member.",
)
MISSING_INFORMATION_REASONS = (
    "Missing referring provider NPI.",
    "Missing diagnosis code.",
    "Missing rendering provider taxonomy code.",
    "Missing place of service.",
)
INVALID_INFORMATION_REASONS = (
    "Invalid procedure code and modifier combination.",
    "Invalid diagnosis code for the date of service.",
    "Subscriber ID does not match our records.",
    "Billing provider is not enrolled with the plan.",
)
"""Status details: why a claim is pended or was rejected, in the portal's words."""

# Column headings and label/value pairs, keyed the way the pages' script names the values.
CLAIM_RESULT_COLUMNS = {
    "claimNumber": "Claim Number",
    "claimId": "Payer Claim ID",
    "patientName": "Patient",
    "memberId": "Member ID",
    "serviceDates": "Service Dates",
    "billedAmount": "Billed",
    "status": "Status",
}
CLAIM_SUMMARY_LABELS = {
    "claimNumber": "Claim Number",
    "claimId": "Payer Claim ID",
    "patientName": "Patient Name",
    "memberId": "Member ID",
    "dateOfBirth": "Date of Birth",
    "providerNpi": "Billing Provider NPI",
    "plan": "Plan",
    "serviceDates": "Service Dates",
    "status": "Claim Status",
    "statusDetail": "Status Detail",
    "receivedDate": "Received Date",
    "processedDate": "Processed Date",
}
FINANCIAL_LABELS = {
    "billed": "Total Billed",
    "allowed": "Allowed Amount",
    "paid": "Paid Amount",
    "patientResponsibility": "Patient Responsibility",
}
PAYMENT_LABELS = {"method": "Payment Method", "number": "Check/EFT Number", "date": "Payment Date"}
ADJUSTMENT_COLUMNS = {
    "group": "Group",
    "reasonCode": "Reason Code",
    "remarkCode": "Remark Code",
    "amount": "Amount",
    "reasonText": "Description",
}
LINE_COLUMNS = {
    "lineNumber": "Line",
    "procedureCode": "Procedure",
    "modifiers": "Modifiers",
    "serviceDate": "Service Date",
    "billed": "Billed",
    "allowed": "Allowed",
    "paid": "Paid",
    "status": "Status",
    "adjustments": "Adjustments",
}
COVERAGE_LABELS = {
    "memberName": "Member Name",
    "memberId": "Member ID",
    "dateOfBirth": "Date of Birth",
    "status": "Coverage Status",
    "planName": "Plan Name",
    "planType": "Plan Type",
    "groupNumber": "Group Number",
    "effectiveDate": "Effective Date",
    "terminationDate": "Termination Date",
    "pcp": "Primary Care Provider",
}
BENEFIT_COLUMNS = {
    "serviceType": "Service Type",
    "benefit": "Benefit",
    "coverageLevel": "Coverage Level",
    "network": "Network",
    "amount": "Amount",
    "timePeriod": "Time Period",
    "met": "Met",
    "remaining": "Remaining",
    "authorization": "Authorization",
    "notes": "Notes",
}
