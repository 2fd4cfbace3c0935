"""X12 envelopes: separators, the ISA/GS/ST we open, and the trailers pyx12 counts for us.

`InterchangeWriter` writes through pyx12's `X12Writer`, which closes every ST, GS and ISA with
an SE, GE and IEA carrying the counts and control numbers it kept while writing, so a response's
counts are never computed by hand. Values go in cleaned: X12 has no escape character, so a
separator inside portal text (a `*` in a plan name) is replaced by a space rather than breaking
the segment.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime

from pyx12.segment import Segment
from pyx12.x12file import X12Writer

from rpa.core.errors import InputError

Element = str | Sequence[str] | None
"""An element's value: text, components (a composite), or None for an empty element."""
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Separators:
    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"
    line_break: str = "\n"
    """Written after each segment terminator ("" for one long line)."""

    @classmethod
    def parse(cls, text: str, *, line_break: str = "\n") -> Separators:
        """`"*:^~"`: element, component, repetition and segment separators, in ISA order."""
        if len(text) != 4 or len(set(text)) != 4:
            raise InputError(f"separators {text!r}: give four different characters: element, component, repetition, segment")
        for character in text:
            if character.isalnum() or character.isspace():
                raise InputError(f"separators {text!r}: {character!r} cannot separate X12 (letters, digits and spaces are data)")
        element, component, repetition, segment = text
        return cls(element, component, repetition, segment, line_break)

    def clean(self, value: object) -> str:
        """A value as X12 can carry it: no separators, no control characters, no outer spaces."""
        text = CONTROL_CHARACTERS.sub(" ", str(value))
        for character in (self.element, self.component, self.repetition, self.segment):
            text = text.replace(character, " ")
        return " ".join(text.split())


@dataclass(frozen=True)
class Party:
    """An interchange address: ISA05/ISA06 (sender) or ISA07/ISA08 (receiver)."""

    qualifier: str
    identifier: str


@dataclass(frozen=True)
class Envelope:
    sender: Party
    receiver: Party
    application_sender: str
    application_receiver: str
    usage: str = "P"
    """ISA15: P production, T test."""

    def reply(self) -> Envelope:
        """The envelope of the answer: the request's receiver sends it back to its sender."""
        return replace(
            self,
            sender=self.receiver,
            receiver=self.sender,
            application_sender=self.application_receiver,
            application_receiver=self.application_sender,
        )


DEFAULT_ENVELOPE = Envelope(Party("ZZ", "RPA"), Party("ZZ", "BILLING"), "RPA", "BILLING")
"""For answers to a CSV or XLSX worklist, which came with no envelope to mirror."""


class InterchangeWriter:
    """One interchange, written segment by segment; `text()` when every loop is closed."""

    def __init__(self, envelope: Envelope, separators: Separators, *, control_number: int, now: datetime):
        self.separators = separators
        self.now = now
        self.control_number = f"{control_number % 1_000_000_000:09d}"
        self._stream = io.StringIO()
        self._writer = X12Writer(
            self._stream,
            seg_term=separators.segment,
            ele_term=separators.element,
            subele_term=separators.component,
            eol=separators.line_break,
            repetition_term=separators.repetition,
        )
        isa = [
            "ISA", "00", " " * 10, "00", " " * 10,
            _fixed(envelope.sender.qualifier, 2), _fixed(separators.clean(envelope.sender.identifier), 15),
            _fixed(envelope.receiver.qualifier, 2), _fixed(separators.clean(envelope.receiver.identifier), 15),
            f"{now:%y%m%d}", f"{now:%H%M}", separators.repetition, "00501", self.control_number, "0",
            envelope.usage if envelope.usage in ("P", "T") else "P", separators.component,
        ]  # fmt: skip
        self._write(separators.element.join(isa))
        self._envelope = envelope
        self._groups = 0

    @contextmanager
    def group(self, functional_code: str, version: str) -> Iterator[None]:
        self._groups += 1
        envelope = self._envelope
        number = (int(self.control_number) + self._groups - 1) % 1_000_000_000
        self.segment(
            "GS", functional_code, envelope.application_sender, envelope.application_receiver,
            f"{self.now:%Y%m%d}", f"{self.now:%H%M}", str(number), "X", version,
        )  # fmt: skip
        self._transactions = 0
        yield
        self._write(f"GE{self.separators.element}0")

    @contextmanager
    def transaction(self, set_id: str, version: str) -> Iterator[None]:
        self._transactions += 1
        self.segment("ST", set_id, f"{self._transactions:04d}", version)
        yield
        self._write(f"SE{self.separators.element}0")

    def segment(self, segment_id: str, *elements: Element) -> None:
        values = []
        for element in elements:
            if element is None:
                values.append("")
            elif isinstance(element, str):
                values.append(self.separators.clean(element))
            else:
                components = [self.separators.clean(component) for component in element]
                while components and not components[-1]:
                    components.pop()
                values.append(self.separators.component.join(components))
        self._write(self.separators.element.join([segment_id, *values]))

    def text(self) -> str:
        self._write(f"IEA{self.separators.element}0")
        problems = self._writer.pop_errors()
        if problems:  # the writer re-checks HL numbering and parents; a problem here is our bug
            raise RuntimeError(f"X12 writer found {problems[0][2]}")
        return self._stream.getvalue()

    def _write(self, text: str) -> None:
        separators = self.separators
        self._writer.Write(Segment(text, separators.segment, separators.element, separators.component, separators.repetition))


def _fixed(value: str, width: int) -> str:
    """ISA elements have fixed widths: padded with spaces, never cut silently."""
    if len(value) > width:
        raise InputError(f"ISA value {value!r} is longer than its {width} characters")
    return value.ljust(width)
