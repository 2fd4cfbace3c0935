"""The clearinghouse's words, in one place, and the X12 meanings a correct mapping gives them.

Pages show only the words. Each payer's claim-status words live with the payer
(`payers.py`); the code tables at the end are the contract's mapping tables
(docs/sandbox-clearinghouse.md), which only the ground truth reads, the way a correct flow would.
"""

from __future__ import annotations

from rpa.sandbox import wording as standard

PORTAL_NAME = "ClearPath Provider Exchange"
ORGANIZATION = "Riverbend Medical Group"
ABSENT = "--"
"""How pages show an absent value."""
SECURITY_QUESTION = "What city were you born in?"

SERVICE_TYPES = standard.SERVICE_TYPES
"""Service-type codes and their X12 names, as on the first portal; the menu's order."""


class Text:
    """Every heading, label, button and message the pages and their script show."""

    LOG_IN = "Log In"
    LOG_IN_INTRO = "Enter your username to continue."
    USERNAME = "Username"
    CONTINUE = "Continue"
    FORGOT_USERNAME = "Forgot your username?"
    FORGOT_USERNAME_BODY = "Contact your organization's ClearPath administrator to recover your username."
    PASSWORD_HEADING = "Enter Your Password"
    SIGNING_IN_AS = "Username: {username}"
    NOT_YOU = "Not you?"
    PASSWORD = "Password"
    SIGN_IN = "Sign In"
    WRONG_PASSWORD = "The password you entered is incorrect. {count} attempt(s) remaining before your account is locked."
    LOCKED = (
        "Your account is locked because of too many failed attempts. "
        "Contact your organization's ClearPath administrator to unlock it."
    )
    FORM_EXPIRED = "This page has expired. Please start again."
    SESSION_EXPIRED = "Your session has expired. Please log in again."
    SIGNED_OUT = "You have successfully logged out."
    RESTART = "Please log in again."
    TOO_MANY_CODES = "Too many incorrect codes. Please log in again."
    TERMS_DECLINED = "You must accept the Terms of Use to use ClearPath."

    CAPTCHA_HEADING = "Security Check"
    CAPTCHA_INTRO = "Type the characters shown in the image."
    CAPTCHA_IMAGE = "Characters to type"
    CAPTCHA_FIELD = "Characters"
    CAPTCHA_WRONG = "The characters did not match. Try again."

    METHOD_HEADING = "Verify Your Identity"
    METHOD_INTRO = "How would you like to receive your one-time code?"
    METHOD_APP = "Authenticator app"
    METHOD_TEXT = "Text message to (***) ***-{last4}"
    METHOD_CALL = "Phone call to (***) ***-{last4}"
    METHOD_REQUIRED = "Choose how to receive your code."
    METHOD_UNAVAILABLE = "We are unable to send codes by text message or phone call at this time. Choose another method."

    CODE_HEADING = "Enter Your One-Time Code"
    CODE_INTRO = "Open your authenticator app and enter the 6-digit code shown for ClearPath."
    CODE = "One-time code"
    VERIFY = "Verify"
    WRONG_CODE = "The code you entered is not valid. Try again."

    QUESTION_HEADING = "Security Question"
    QUESTION_INTRO = "We don't recognize this device. Answer your security question to continue."
    ANSWER = "Answer"
    REMEMBER_DEVICE = "Remember this device"
    WRONG_ANSWER = (
        "The answer you entered does not match our records. {count} attempt(s) remaining before your account is locked."
    )

    TERMS_HEADING = "Terms of Use"
    TERMS_INTRO = "Please read and accept the ClearPath Terms of Use to continue."
    TERMS_BODY = (
        "ClearPath Provider Exchange is provided for the exclusive use of health care providers and their authorized "
        "staff to conduct health care transactions with participating payers.",
        "You agree to access only the information needed for treatment, payment or health care operations, and to keep "
        "your username, password and one-time codes confidential. Protected health information you view remains subject "
        "to HIPAA and your organization's policies.",
        "Information shown is provided by the payer and is not a guarantee of payment. Final determination of benefits "
        "and payment is made by the payer when the claim is processed.",
        "ClearPath may monitor use of this site and may suspend access that violates these terms.",
    )
    AGREE = "I have read and agree to the Terms of Use"
    ACCEPT = "Accept"
    DECLINE = "Decline"
    MUST_AGREE = "You must check the box to accept the Terms of Use."

    HOME = "Home"
    CLAIM_STATUS = "Claim Status"
    ELIGIBILITY = "Eligibility and Benefits"
    LOG_OUT = "Log Out"
    WELCOME = "Welcome, {name}"
    ORGANIZATION_LINE = "Organization: {name}"
    HOME_INTRO = "Check claim status and patient eligibility with your payers, all in one place."
    HOME_CLAIMS_TILE = "Check Claim Status"
    HOME_ELIGIBILITY_TILE = "Check Eligibility and Benefits"
    APP_FRAME_TITLE = "Claim Status Application"

    CLAIM_STATUS_HEADING = "Claim Status Inquiry"
    PAYER = "Payer"
    PAYER_PLACEHOLDER = "Start typing a payer name"
    PAYER_HINT = "Type at least 2 characters, then choose a payer from the list."
    PAYERS_LISTBOX = "Payers"
    NO_PAYERS = "No matching payers"
    PAYER_LIST_FAILED = "The payer list could not be loaded. Try again."
    NOT_ENROLLED = "Claim status inquiries are not available for {payer} through ClearPath. Contact the payer directly."
    PROVIDER = "Provider"
    SELECT_PROVIDER = "Select a provider"
    PROVIDER_NPI = "Provider NPI"
    PROVIDER_TAX_ID = "Provider Tax ID"
    PROVIDER_BY_NPI = "{payer} identifies providers by NPI."
    PROVIDER_BY_TAX_ID = "{payer} identifies providers by Tax ID."
    SEARCH_BY = "Search by"
    TAB_MEMBER = "Member"
    TAB_CLAIM = "Claim number"
    MEMBER_ID = "Member ID"
    PATIENT_DOB = "Patient Date of Birth"
    SERVICE_FROM = "Service Date From"
    SERVICE_TO = "Service Date To"
    DATES_OF_SERVICE = "Dates of Service"
    CLAIM_NUMBER = "Claim Number"
    CLAIM_NUMBER_HINT = "The payer's claim number or your patient account number."
    DATE_HINT = "MM/DD/YYYY"
    OPTIONAL = "Optional"
    SUBMIT = "Submit"
    FIX_ERRORS = "Please correct the errors below."
    REQUIRED = "{label} is required."
    INVALID_DATE = "Enter {label} as MM/DD/YYYY."
    FUTURE_DATE = "{label} cannot be in the future."
    DATES_OUT_OF_ORDER = "Service Date From must be on or before Service Date To."
    CHOOSE_PROVIDER = "Select a provider."
    CHOOSE_PAYER = "Select a payer."

    RESULTS_HEADING = "Claim Status Results"
    CRITERIA = "Search Criteria"
    RESULTS_RANGE = "Results {first} - {last} of {total}"
    PAGE_OF = "Page {page} of {pages}"
    PREVIOUS = "Previous"
    NEXT = "Next"
    NEW_SEARCH = "New Search"
    VIEW = "View"
    PATIENT_NOT_FOUND = "Patient not found. Check the Member ID and Patient Date of Birth."
    NO_CLAIMS = "No claims found for the information entered."
    RESULTS_TABLE = "Claims"

    DETAIL_HEADING = "Claim Detail"
    NO_ADJUSTMENTS = "No claim adjustments."
    PRINT = "Print"
    CLOSE_WINDOW = "Close Window"
    CLAIM_NOT_AVAILABLE = "This claim is not available."

    ELIGIBILITY_HEADING = "Eligibility and Benefits Inquiry"
    SELECT_PAYER = "Select a payer"
    DATE_OF_BIRTH = "Patient Date of Birth"
    LAST_NAME = "Patient Last Name"
    FIRST_NAME = "Patient First Name"
    SERVICE_TYPE = "Benefit / Service Type"
    AS_OF = "As of Date"
    ELIGIBILITY_RESULTS_HEADING = "Eligibility and Benefits Results"
    MEMBER_NOT_FOUND = "Member not found. Check the Member ID and Patient Date of Birth and try again."
    COVERAGE_TERMINATED = "Coverage terminated on {date}. Benefits are not available for the date of service."
    COVERAGE_NOT_STARTED = "Coverage is not yet effective. Coverage begins on {date}."
    BENEFIT_TABS = "Benefits by service type"
    NEW_INQUIRY = "New Inquiry"

    SESSION_WARNING = (
        "Your session is about to expire due to inactivity. Select OK to keep working or Cancel to log out. Continue?"
    )
    SESSION_ENDED_HEADING = "Session Ended"
    SESSION_ENDED = "Your session has ended. Please log in again to continue."

    MODAL_HEADING = "Important Update"
    MODAL_BODY = "ClearPath will be unavailable Sunday from 1:00 AM to 5:00 AM ET for scheduled maintenance."
    DISMISS = "Dismiss"

    ERROR_HEADING = "System Error"
    ERROR_BODY = "An unexpected error occurred while processing your request. Please try again. (Error 500)"
    UNAVAILABLE_HEADING = "Service Unavailable"
    UNAVAILABLE_BODY = "ClearPath is temporarily unable to process your request. Please try again in a few minutes. (Error 503)"
    MAINTENANCE_HEADING = "System Maintenance"
    MAINTENANCE_BODY = "ClearPath is undergoing scheduled maintenance. Please try again later."
    NOT_FOUND_HEADING = "Page Not Found"
    NOT_FOUND_BODY = "The page you requested could not be found."
    RETURN_HOME = "Return to Home"


class Section:
    """Headings of the detail and eligibility pages' sections."""

    CLAIM_INFORMATION = "Claim Information"
    CLAIM_STATUS = "Claim Status"
    PAYMENT_INFORMATION = "Payment Information"
    CLAIM_ADJUSTMENTS = "Claim Adjustments"
    SERVICE_LINES = "Service Lines"
    PATIENT_INFORMATION = "Patient Information"
    COVERAGE_INFORMATION = "Coverage Information"
    BENEFITS = "Benefits"


RESULT_COLUMNS = (
    "Patient Account #",
    "Payer Claim #",
    "Patient Name",
    "Member ID",
    "Dates of Service",
    "Billed",
    "Paid",
    "Status",
    "Details",
)
CLAIM_LABELS = {
    "payer": "Payer",
    "payerClaimNumber": "Payer Claim Number",
    "accountNumber": "Patient Account Number",
    "patientName": "Patient Name",
    "memberId": "Member ID",
    "dateOfBirth": "Patient Date of Birth",
    "provider": "Billing Provider",
    "providerNpi": "Billing Provider NPI",
    "providerTaxId": "Billing Provider Tax ID",
    "serviceDates": "Dates of Service",
    "received": "Date Received",
    "finalized": "Date Finalized",
}
STATUS_LABELS = {"status": "Status", "statusReason": "Status Reason"}
PAYMENT_LABELS = {
    "billed": "Billed Amount",
    "allowed": "Allowed Amount",
    "paid": "Paid Amount",
    "patientResponsibility": "Patient Responsibility",
    "adjustments": "Total Adjustments",
    "method": "Payment Method",
    "number": "Check/EFT Number",
    "date": "Payment Date",
}
ADJUSTMENT_COLUMNS = ("Adjustment", "Amount")
LINE_COLUMNS = ("Line #", "Date of Service", "Procedure", "Modifiers", "Billed", "Allowed", "Paid", "Line Status", "Adjustments")
PATIENT_LABELS = {"patientName": "Patient Name", "memberId": "Member ID", "dateOfBirth": "Date of Birth", "payer": "Payer"}
COVERAGE_LABELS = {
    "status": "Coverage Status",
    "planName": "Plan Name",
    "planType": "Plan Type",
    "groupNumber": "Group Number",
    "period": "Coverage Period",
    "pcp": "Primary Care Provider",
    "asOf": "As of Date",
}
BENEFIT_COLUMNS = (
    "Benefit",
    "Coverage Level",
    "Network",
    "Amount",
    "Time Period",
    "Remaining",
    "Prior Authorization",
    "Notes",
)

CARC_SHORT = {
    "1": "Deductible",
    "2": "Coinsurance",
    "3": "Co-payment",
    "4": "Procedure code inconsistent with modifier",
    "16": "Claim lacks information or has billing errors",
    "18": "Duplicate claim or service",
    "29": "Time limit for filing has expired",
    "45": "Charge exceeds fee schedule",
    "50": "Not deemed a medical necessity",
    "59": "Multiple or concurrent procedure rules",
    "96": "Non-covered charges",
    "97": "Included in another service already adjudicated",
    "151": "Frequency of services not supported",
    "197": "Authorization absent",
    "204": "Not covered under the patient's current plan",
    "253": "Sequestration",
}
"""How the portal describes each reason code: short, and never with a parenthesis, which the
adjustment text uses around the remark code."""

COVERAGE_WORDS = {"active": "Active", "terminated": "Terminated", "future": "Not Yet Effective"}
PLAN_TYPE_WORDS = {
    "PPO": "Preferred Provider Organization (PPO)",
    "HMO": "Health Maintenance Organization (HMO)",
    "Medicare Advantage HMO": "Medicare Advantage (HMO)",
    "Medicaid Managed Care": "Medicaid Managed Care",
}
"""The clearinghouse's words for the plan catalogue's plan types."""
BENEFIT_WORDS = {
    "Deductible": "Deductible",
    "Out-of-Pocket Maximum": "Out of Pocket (Stop Loss)",
    "Co-Payment": "Co-Payment",
    "Co-Insurance": "Co-Insurance",
}
NETWORK_WORDS = {"In-Network": "In Network", "Out-of-Network": "Out of Network"}
TIME_PERIOD_WORDS = {"Calendar Year": "Calendar Year", "Per Visit": "Visit"}
AUTHORIZATION_WORDS = {True: "Yes", False: "No"}

# The contract's mapping tables: portal words -> X12 meanings. Only the ground truth reads these;
# each payer's claim-status words and their codes are with the payer (payers.py).
COVERAGE_STATUS_CODES = {"Active": (True, "1"), "Terminated": (False, "6"), "Not Yet Effective": (False, "6")}
PLAN_TYPE_CODES = {
    "Preferred Provider Organization (PPO)": "PR",
    "Health Maintenance Organization (HMO)": "HM",
    "Medicare Advantage (HMO)": "HN",
    "Medicaid Managed Care": "MC",
}
BENEFIT_CODES = {"Co-Insurance": "A", "Co-Payment": "B", "Deductible": "C", "Out of Pocket (Stop Loss)": "G"}
COVERAGE_LEVEL_CODES = {"Individual": "IND", "Family": "FAM"}
NETWORK_CODES = {"In Network": "in", "Out of Network": "out"}
TIME_PERIOD_CODES = {"Calendar Year": "23", "Visit": "27"}
REMAINING_TIME_PERIOD = "29"
AUTHORIZATION_CODES = {"Yes": True, "No": False}
SERVICE_TYPE_CODES = {words: code for code, words in SERVICE_TYPES.items()}
