"""NPI check digits: the Luhn algorithm over the NPI prefixed with the health-industry `80840`."""

from __future__ import annotations

NPI_PREFIX = "80840"


def npi_check_digit(first_nine: str) -> str:
    """The tenth digit that makes `first_nine` + it a valid NPI."""
    total = _luhn_sum(NPI_PREFIX + first_nine + "0")
    return str((10 - total % 10) % 10)


def is_valid_npi(npi: str) -> bool:
    return len(npi) == 10 and npi.isdigit() and _luhn_sum(NPI_PREFIX + npi) % 10 == 0


def _luhn_sum(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total
