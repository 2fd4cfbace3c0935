"""A portal's words mapped to our meanings: data beside its flow, checked by tests.

Portals word statuses their own way ("Finalized - Paid", "PAID", "Processed - Payment Issued")
and label their fields their own way ("Billed", "Total Charges"); downstream systems need X12
codes and one vocabulary. A flow's `wording.yaml` holds:

    formats:         how the portal prints dates, "nothing here" and ranges (rpa.portal.formats)
    fields:          the portal's labels (or JSON keys) -> our record's field names, per record kind
    patterns:        regular expressions for values printed as one text (e.g. "CO-45 ... (N130)")
    claim_status:    status words -> X12 277 category and code    (and more code tables:
                     line_status, adjustment_group, coverage_status, plan_type, benefit, ...)

A payer served by a multi-payer portal may have a wording file of its own that extends the
portal's (its tables win). Words a table does not know fail loudly, with the words quoted,
instead of guessing: a new status on the portal is a one-line data change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rpa.core.errors import ConfigError, FlowError
from rpa.portal.formats import Formats
from rpa.portal.reading import Cell

RECORD_KINDS = ("claim", "result", "line", "adjustment", "eligibility", "benefit")
LISTS = {"adjustments": "adjustment", "lines": "line", "benefits": "benefit"}
"""Record fields that hold a list of records of another kind."""
SPECIAL = {"formats", "fields", "patterns"}


@dataclass(frozen=True)
class WordingMap:
    path: Path
    tables: dict[str, dict[str, Any]]
    fields: dict[str, dict[str, str]] = field(default_factory=dict)
    patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)
    formats: Formats = field(default_factory=Formats)

    def lookup(self, table: str, words: str) -> Any:
        entries = self.tables.get(table)
        if entries is None:
            raise ConfigError(f"{self.path}: no table {table!r}")
        key = _normalize(words)
        for known, value in entries.items():
            if _normalize(known) == key:
                return value
        raise FlowError(f"the portal shows {words!r}, which {self.path.name} does not map in {table!r}")

    def optional(self, table: str, words: Any) -> Any:
        """`lookup`, or None when the portal shows nothing there."""
        text = self.formats.text(words)
        return None if text is None else self.lookup(table, text)

    def words(self, table: str) -> list[str]:
        return list(self.tables.get(table, {}))

    def record(self, kind: str, values: dict[str, Any]) -> dict[str, Any]:
        """A page's label/value pairs, a table row or a JSON object as a record of `kind`, keyed by
        our field names (`fields.<kind>` says which label or dotted JSON key is which field).
        Lists of records inside (adjustments, lines, benefits) are mapped with their own kind."""
        names = self.fields.get(kind)
        if names is None:
            raise ConfigError(f"{self.path}: no fields.{kind} table (labels -> field names)")
        flat = _flatten(values)
        record: dict[str, Any] = {}
        for label, value in flat.items():
            target = names.get(label) or names.get(_normalize_label(label, names))
            if target is None:
                continue
            if target in LISTS and isinstance(value, list) and all(isinstance(item, dict) for item in value):
                value = [self.record(LISTS[target], item) for item in value]
            record[target] = value
        return record

    def parse(self, pattern: str, text: str) -> dict[str, str]:
        """`patterns.<pattern>` applied to `text`: its named groups (FlowError when it does not fit)."""
        compiled = self.patterns.get(pattern)
        if compiled is None:
            raise ConfigError(f"{self.path}: no patterns.{pattern}")
        match = compiled.fullmatch(" ".join(text.split()))
        if match is None:
            raise FlowError(f"cannot read {text!r} with {self.path.name} patterns.{pattern}")
        return {key: value for key, value in match.groupdict().items() if value is not None}

    def extended_by(self, other: WordingMap) -> WordingMap:
        """This map with `other`'s tables, fields and patterns on top (a payer's own wording)."""
        tables = {name: dict(entries) for name, entries in self.tables.items()}
        for name, entries in other.tables.items():
            tables.setdefault(name, {}).update(entries)
        fields = {kind: dict(names) for kind, names in self.fields.items()}
        for kind, names in other.fields.items():
            fields.setdefault(kind, {}).update(names)
        formats = other.formats if other.formats != Formats() else self.formats
        return WordingMap(other.path, tables, fields, {**self.patterns, **other.patterns}, formats)


def load_wording_map(path: Path) -> WordingMap:
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"wording map {path} does not exist") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(document, dict) or not all(isinstance(table, dict) for table in document.values()):
        raise ConfigError(f"{path}: must be a mapping of tables, each a mapping of portal words to codes")
    tables = {str(name): {str(k): v for k, v in table.items()} for name, table in document.items() if name not in SPECIAL}
    fields = _fields(path, document.get("fields") or {})
    patterns = _patterns(path, document.get("patterns") or {})
    formats = Formats.from_mapping(document.get("formats"), str(path))
    return WordingMap(path=path, tables=tables, fields=fields, patterns=patterns, formats=formats)


def _fields(path: Path, section: dict) -> dict[str, dict[str, str]]:
    unknown = set(section) - set(RECORD_KINDS)
    if unknown:
        raise ConfigError(
            f"{path}: fields: unknown record kind(s) {', '.join(sorted(unknown))} (known: {', '.join(RECORD_KINDS)})"
        )
    for kind, names in section.items():
        if not isinstance(names, dict) or not all(isinstance(value, str) for value in names.values()):
            raise ConfigError(f"{path}: fields.{kind}: must map portal labels to field names")
    return {kind: {str(label): value for label, value in names.items()} for kind, names in section.items()}


def _patterns(path: Path, section: dict) -> dict[str, re.Pattern[str]]:
    compiled = {}
    for name, pattern in section.items():
        try:
            compiled[str(name)] = re.compile(str(pattern))
        except re.error as error:
            raise ConfigError(f"{path}: patterns.{name}: not a valid regular expression: {error}") from None
    return compiled


def _flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """`{"amounts": {"billed": 1}}` -> `{"amounts": {...}, "amounts.billed": 1}`; cells stay cells."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        flat[name] = value
        if isinstance(value, dict) and not isinstance(value, Cell):
            flat.update(_flatten(value, name + "."))
    return flat


def _normalize_label(label: str, names: dict[str, str]) -> str:
    wanted = _normalize(label)
    return next((known for known in names if _normalize(known) == wanted), label)


def _normalize(words: str) -> str:
    return " ".join(str(words).split()).casefold().rstrip(":").strip()
