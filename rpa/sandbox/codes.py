"""Reference code sets the portal shows as codes: CARC and RARC texts, procedure codes and fees.

Descriptions follow the published X12 code lists (shortened where the list runs long) and never
contain " – ", which the service-line adjustment text uses as its separator.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

CARC_DESCRIPTIONS = {
    "1": "Deductible Amount.",
    "2": "Coinsurance Amount.",
    "3": "Co-payment Amount.",
    "4": "The procedure code is inconsistent with the modifier used.",
    "16": "Claim/service lacks information or has submission/billing error(s).",
    "18": "Exact duplicate claim/service.",
    "29": "The time limit for filing has expired.",
    "45": "Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement.",
    "50": "These are non-covered services because this is not deemed a 'medical necessity' by the payer.",
    "59": "Processed based on multiple or concurrent procedure rules.",
    "96": "Non-covered charge(s).",
    "97": (
        "The benefit for this service is included in the payment/allowance for another "
        "service/procedure that has already been adjudicated."
    ),
    "151": (
        "Payment adjusted because the payer deems the information submitted does not support this many/frequency of services."
    ),
    "197": "Precertification/authorization/notification/pre-treatment absent.",
    "204": "This service/equipment/drug is not covered under the patient's current benefit plan.",
    "253": "Sequestration - reduction in federal payment.",
}

RARC_DESCRIPTIONS = {
    "M15": (
        "Separately billed services/tests have been bundled as they are considered components "
        "of the same procedure. Separate payment is not allowed."
    ),
    "M86": "Service denied because payment already made for same/similar procedure within set time frame.",
    "MA67": "Correction to a prior claim.",
    "MA130": (
        "Your claim contains incomplete and/or invalid information, and no appeal rights are afforded because "
        "the claim is unprocessable. Submit a new claim with the complete/correct information."
    ),
    "M51": "Missing/incomplete/invalid procedure code(s).",
    "N290": "Missing/incomplete/invalid rendering provider primary identifier.",
    "N54": "Claim information is inconsistent with pre-certified/authorized services.",
    "N115": "This decision was based on a Local Coverage Determination (LCD).",
    "N130": "Consult plan benefit documents/guidelines for information about restrictions for this service.",
    "N211": "Alert: You may not appeal this decision.",
    "N362": "The number of Days or Units of Service exceeds our acceptable maximum.",
    "N381": ("Alert: Consult our contractual agreement for restrictions/billing/payment information related to these charges."),
}


class Procedure(NamedTuple):
    description: str
    fee: Decimal
    """The usual charge in dollars, before a practice's own markup."""
    modifiers: tuple[str, ...] = ()
    """Modifiers that realistically accompany the code."""


PROCEDURES = {
    "99203": Procedure("Office visit, new patient, low complexity", Decimal(165), ("25",)),
    "99204": Procedure("Office visit, new patient, moderate complexity", Decimal(260), ("25",)),
    "99213": Procedure("Office visit, established patient, low complexity", Decimal(125), ("25",)),
    "99214": Procedure("Office visit, established patient, moderate complexity", Decimal(185), ("25",)),
    "99395": Procedure("Preventive visit, established patient, 18-39 years", Decimal(240)),
    "99392": Procedure("Preventive visit, established patient, 1-4 years", Decimal(190)),
    "99283": Procedure("Emergency department visit, moderate severity", Decimal(310), ("25",)),
    "99284": Procedure("Emergency department visit, high severity", Decimal(520), ("25",)),
    "99285": Procedure("Emergency department visit, highest severity", Decimal(780), ("25",)),
    "99051": Procedure("Service provided in office during evening or weekend hours", Decimal(40)),
    "90471": Procedure("Immunization administration", Decimal(35)),
    "90460": Procedure("Immunization administration, through 18 years", Decimal(40)),
    "90686": Procedure("Influenza vaccine, quadrivalent, preservative free", Decimal(28)),
    "90707": Procedure("Measles, mumps and rubella vaccine", Decimal(95)),
    "90700": Procedure("Diphtheria, tetanus and acellular pertussis vaccine", Decimal(60)),
    "90791": Procedure("Psychiatric diagnostic evaluation", Decimal(250), ("95",)),
    "90834": Procedure("Psychotherapy, 45 minutes", Decimal(145), ("95",)),
    "90837": Procedure("Psychotherapy, 60 minutes", Decimal(190), ("95",)),
    "90847": Procedure("Family psychotherapy with patient present", Decimal(160), ("95",)),
    "20610": Procedure("Arthrocentesis, major joint", Decimal(175), ("RT", "LT")),
    "73562": Procedure("X-ray of knee, 3 views", Decimal(95), ("26", "TC", "RT", "LT")),
    "73030": Procedure("X-ray of shoulder, 2 views", Decimal(85), ("26", "TC", "RT", "LT")),
    "J1030": Procedure("Injection, methylprednisolone acetate, 40 mg", Decimal(18)),
    "98940": Procedure("Chiropractic manipulation, 1-2 regions", Decimal(65), ("AT",)),
    "98941": Procedure("Chiropractic manipulation, 3-4 regions", Decimal(80), ("AT",)),
    "97012": Procedure("Mechanical traction therapy", Decimal(30), ("GP",)),
    "97140": Procedure("Manual therapy techniques, each 15 minutes", Decimal(55), ("GP", "59")),
    "97161": Procedure("Physical therapy evaluation, low complexity", Decimal(140), ("GP",)),
    "97110": Procedure("Therapeutic exercises, each 15 minutes", Decimal(55), ("GP", "59")),
    "97530": Procedure("Therapeutic activities, each 15 minutes", Decimal(65), ("GP", "59")),
    "97035": Procedure("Ultrasound therapy, each 15 minutes", Decimal(25), ("GP",)),
    "12001": Procedure("Simple repair of superficial wound, 2.5 cm or less", Decimal(240)),
    "29125": Procedure("Application of short arm splint", Decimal(110), ("RT", "LT")),
    "93000": Procedure("Electrocardiogram with interpretation and report", Decimal(60)),
    "93010": Procedure("Electrocardiogram interpretation and report only", Decimal(35)),
    "93306": Procedure("Echocardiography, transthoracic, complete", Decimal(1200), ("26", "TC")),
    "93350": Procedure("Stress echocardiography", Decimal(900), ("26", "TC")),
    "93880": Procedure("Duplex scan of extracranial arteries", Decimal(540), ("26", "TC")),
    "71046": Procedure("X-ray of chest, 2 views", Decimal(90), ("26", "TC")),
    "70450": Procedure("CT of head without contrast", Decimal(650), ("26", "TC")),
    "74177": Procedure("CT of abdomen and pelvis with contrast", Decimal(1400), ("26", "TC")),
    "72148": Procedure("MRI of lumbar spine without contrast", Decimal(1800), ("26", "TC")),
    "76700": Procedure("Ultrasound of abdomen, complete", Decimal(420), ("26", "TC")),
    "11102": Procedure("Tangential biopsy of skin, single lesion", Decimal(150), ("59",)),
    "17000": Procedure("Destruction of premalignant lesion, first lesion", Decimal(110)),
    "17110": Procedure("Destruction of benign lesions, up to 14", Decimal(130)),
    "11900": Procedure("Intralesional injection, up to 7 lesions", Decimal(90)),
    "36415": Procedure("Collection of venous blood by venipuncture", Decimal(15)),
    "80053": Procedure("Comprehensive metabolic panel", Decimal(45), ("90",)),
    "80061": Procedure("Lipid panel", Decimal(55), ("90",)),
    "83036": Procedure("Hemoglobin A1c", Decimal(38), ("90", "QW")),
    "84443": Procedure("Thyroid stimulating hormone", Decimal(60), ("90",)),
    "85025": Procedure("Complete blood count with automated differential", Decimal(32), ("90",)),
    "87086": Procedure("Urine culture, colony count", Decimal(35), ("90",)),
    "87804": Procedure("Influenza antigen detection, immunoassay", Decimal(35), ("QW",)),
    "87880": Procedure("Streptococcus group A antigen detection, immunoassay", Decimal(30), ("QW",)),
    "81002": Procedure("Urinalysis, non-automated, without microscopy", Decimal(12), ("QW",)),
}
