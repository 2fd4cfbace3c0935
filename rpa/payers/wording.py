"""A payer's words mapped to standard codes: data beside its flow, checked by tests.

Portals word statuses their own way ("Finalized - Paid", "Active Coverage"); downstream
systems need X12 codes. Each flow keeps a YAML file of tables (`claim_status`,
`adjustment_group`, `benefit`, ...), and words the table does not know fail loudly, with the
words quoted, instead of guessing: a new status on the portal is a one-line data change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rpa.core.errors import ConfigError, FlowError


@dataclass(frozen=True)
class WordingMap:
    path: Path
    tables: dict[str, dict[str, Any]]

    def lookup(self, table: str, words: str) -> Any:
        entries = self.tables.get(table)
        if entries is None:
            raise ConfigError(f"{self.path}: no table {table!r}")
        key = _normalize(words)
        for known, value in entries.items():
            if _normalize(known) == key:
                return value
        raise FlowError(f"the portal shows {words!r}, which {self.path.name} does not map in {table!r}")

    def words(self, table: str) -> list[str]:
        return list(self.tables.get(table, {}))


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
    return WordingMap(path=path, tables={str(name): {str(k): v for k, v in table.items()} for name, table in document.items()})


def _normalize(words: str) -> str:
    return " ".join(str(words).split()).casefold()
