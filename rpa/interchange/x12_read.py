"""Reading a 276 (005010X212) or 270 (005010X279A1) interchange: envelope, HL tree, requests.

pyx12's reader tokenizes the interchange and checks its envelope (ISA length, SE/GE/IEA counts
and control numbers, HL numbering and parents); this module walks the two guides' loops, which
no installable library maps (docs/x12-and-fhir.md). Anything that makes the interchange
unreadable is an `InputError` naming the segment and its position (ISA is segment 1), so the run
stops before it starts (exit 2). A value that is only wrong for one request (a date that is not a
date) is kept as that request's problem: it becomes a reject carrying its trace number.
"""

from __future__ import annotations

import codecs
import io
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pyx12.errors
from pyx12.x12file import X12Reader

from rpa.core.errors import InputError
from rpa.core.models import Task
from rpa.interchange.envelope import Envelope, Party, Separators
from rpa.interchange.model import GUIDES, Group, Interchange, Level, Request, Seg, ServiceLineRequest, Transaction

ISA_LENGTH = 106
PARENT_LEVEL = {
    Task.CLAIM_STATUS: {"20": None, "21": "20", "19": "21", "22": "19", "23": "22"},
    Task.ELIGIBILITY: {"20": None, "21": "20", "22": "21", "23": "22"},
}
LOOP_NAMES = {
    Task.CLAIM_STATUS: {"20": "2000A", "21": "2000B", "19": "2000C", "22": "2000D", "23": "2000E"},
    Task.ELIGIBILITY: {"20": "2000A", "21": "2000B", "22": "2000C", "23": "2000D"},
}
NAME_ENTITIES = {
    Task.CLAIM_STATUS: {"20": ("PR",), "21": ("41",), "19": ("1P",), "22": ("IL",), "23": ("QC",)},
    Task.ELIGIBILITY: {
        "20": ("2B", "36", "GP", "P5", "PR"),
        "21": ("1P", "2B", "36", "80", "FA", "GP", "P5", "PR"),
        "22": ("IL",),
        "23": ("03",),
    },
}
IGNORED_MEMBER_SEGMENTS = {"REF", "N3", "N4", "PRV", "INS", "HI", "MPI"}
"""270 subscriber and dependent segments read by no query: accepted, not used."""


def read_interchange(raw: bytes, source: str = "interchange") -> Interchange:
    """The interchange's envelope, tree and requests; `InputError` naming segment and position."""
    text = _decode(raw, source)
    segments, separators = _tokenize(text, source)
    return _Walker(source, separators).walk(segments)


def parse_date(value: str) -> date:
    return datetime.strptime(value, "%Y%m%d").date()


def parse_period(qualifier: str, value: str) -> tuple[date, date]:
    """DTP02/DTP03: `D8` one date, `RD8` a range `CCYYMMDD-CCYYMMDD`."""
    if qualifier == "D8":
        day = parse_date(value)
        return day, day
    if qualifier == "RD8":
        start, _, end = value.partition("-")
        first, last = parse_date(start), parse_date(end)
        if last < first:
            raise ValueError(f"range {value!r} ends before it starts")
        return first, last
    raise ValueError(f"date format {qualifier!r} is not D8 or RD8")


def parse_amount(value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    return amount


# -- tokenizing (pyx12) -------------------------------------------------------------------------


def _decode(raw: bytes, source: str) -> str:
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    text = text.lstrip()
    if not text.startswith("ISA") or len(text) < ISA_LENGTH:
        raise InputError(f"{source}: segment 1 (ISA): an interchange starts with a {ISA_LENGTH}-character ISA segment")
    version = text[84:89]
    if version != "00501":
        raise InputError(f"{source}: segment 1 (ISA): ISA12 is {version!r}: only version 00501 (5010) interchanges are read")
    return text


def _tokenize(text: str, source: str) -> tuple[list[Seg], Separators]:
    try:
        reader = X12Reader(io.StringIO(text))
    except pyx12.errors.X12Error as error:
        raise InputError(f"{source}: segment 1 (ISA): {error}") from None
    seg_term, ele_term, subele_term, _, repetition = reader.get_term()
    line_break = "\n" if text[ISA_LENGTH : ISA_LENGTH + 2].lstrip("\r").startswith("\n") else ""
    separators = Separators(ele_term, subele_term, repetition or "^", seg_term, line_break)
    segments: list[Seg] = []
    try:
        for position, segment in enumerate(reader, start=1):
            seg_id = segment.get_seg_id() or ""
            elements = (seg_id, *(composite.format(subele_term) for composite in segment.elements))
            seg = Seg(seg_id.upper(), elements, position)
            problems = [problem for problem in reader.pop_errors() if problem[1] != "SEG1"]
            if problems:
                raise InputError(f"{source}: segment {position} ({seg.name()}): {problems[0][2]}")
            segments.append(seg)
        reader.cleanup()
    except pyx12.errors.X12Error as error:
        raise InputError(f"{source}: segment {len(segments) + 1}: {error}") from None
    problems = reader.pop_errors()
    if problems:
        raise InputError(f"{source}: after segment {len(segments)}: {problems[0][2]}")
    return segments, separators


# -- walking the loops ------------------------------------------------------------------------


class _Walker:
    """Walks segments in order, keeping where it is (group, transaction, HL, request, line)."""

    def __init__(self, source: str, separators: Separators):
        self.source = source
        self.separators = separators
        self.task: Task | None = None
        self.groups: list[Group] = []
        self.group: Group | None = None
        self.transaction: Transaction | None = None
        self.expect_bht = False
        self.levels: dict[str, Level] = {}
        self.level: Level | None = None
        self.request: Request | None = None
        self.line: ServiceLineRequest | None = None
        self.ended = False

    def walk(self, segments: list[Seg]) -> Interchange:
        isa = segments[0]
        for seg in segments[1:]:
            if self.ended:
                raise self.error(seg, "follows the IEA that ended the interchange")
            handler = (
                getattr(self, f"_{seg.id.lower()}", None) if seg.id in {"GS", "ST", "BHT", "HL", "SE", "GE", "IEA"} else None
            )
            if handler is None:
                self._body(seg)
            else:
                handler(seg)
        if self.task is None:
            raise InputError(f"{self.source}: holds no 276 or 270 transaction")
        first = self.groups[0]
        envelope = Envelope(
            sender=Party(isa.get(5), isa.get(6)),
            receiver=Party(isa.get(7), isa.get(8)),
            application_sender=first.application_sender,
            application_receiver=first.application_receiver,
            usage=isa.get(15) or "P",
        )
        return Interchange(task=self.task, envelope=envelope, separators=self.separators, groups=self.groups)

    def error(self, seg: Seg, message: str) -> InputError:
        return InputError(f"{self.source}: segment {seg.position} ({seg.name()}): {message}")

    # -- envelope ---------------------------------------------------------------------------

    def _gs(self, seg: Seg) -> None:
        functional, version = seg.get(1), seg.get(8)
        guides = {code: (task, guide) for task, (_, code, guide) in GUIDES.items()}
        if functional not in guides:
            raise self.error(seg, f"GS01 {functional!r} is not HR (claim status, 276) or HS (eligibility, 270)")
        task, guide = guides[functional]
        if version != guide:
            raise self.error(seg, f"GS08 version {version!r} is not {guide}, the guide this tool reads for GS01 {functional}")
        if self.task is not None and self.task is not task:
            raise self.error(seg, "mixes claim status (276) and eligibility (270) groups: send them as two files")
        self.task = task
        self.group = Group(functional, seg.get(2), seg.get(3), seg.get(6), version)
        self.groups.append(self.group)

    def _st(self, seg: Seg) -> None:
        if self.group is None:
            raise self.error(seg, "comes before any GS")
        set_id, guide = GUIDES[self.task][0], GUIDES[self.task][2]
        if seg.get(1) != set_id:
            raise self.error(
                seg, f"ST01 {seg.get(1)!r} is not {set_id}, the transaction of this group (GS01 {self.group.functional_code})"
            )
        if seg.get(3) != guide:
            raise self.error(seg, f"ST03 version {seg.get(3)!r} is not {guide}")
        self.transaction = Transaction(set_id, seg.get(2), "", seg.position)
        self.group.transactions.append(self.transaction)
        self.expect_bht = True
        self.levels, self.level, self.request, self.line = {}, None, None, None

    def _bht(self, seg: Seg) -> None:
        if not self.expect_bht:
            raise self.error(seg, "BHT must follow ST")
        structure = "0010" if self.task is Task.CLAIM_STATUS else "0022"
        if seg.get(1) != structure:
            raise self.error(seg, f"BHT01 {seg.get(1)!r} is not {structure}")
        if seg.get(2) != "13":
            raise self.error(seg, f"BHT02 {seg.get(2)!r} is not 13 (request): this reads requests, not responses")
        self.transaction.reference = seg.get(3)
        self.expect_bht = False

    def _hl(self, seg: Seg) -> None:
        self._require_bht(seg)
        self._close_level(seg)
        code, parent_id = seg.get(3), seg.get(2)
        parents = PARENT_LEVEL[self.task]
        if code not in parents:
            raise self.error(seg, f"HL03 {code!r} is not a level of a {GUIDES[self.task][0]} ({', '.join(parents)})")
        expected = parents[code]
        parent = self.levels.get(parent_id) if parent_id else None
        if expected is None and parent_id:
            raise self.error(seg, "an information source level (HL03 20) has no parent")
        if expected is not None and (parent is None or parent.code != expected):
            loops = LOOP_NAMES[self.task]
            raise self.error(
                seg, f"loop {loops[code]} must sit under a {loops[expected]} level (HL03 {expected}); HL02 is {parent_id!r}"
            )
        level = Level(code, seg.get(1), seg.position, parent)
        if parent is None:
            self.transaction.sources.append(level)
        else:
            parent.children.append(level)
        self.levels[level.hl_id] = level
        self.level, self.request, self.line = level, None, None

    def _se(self, seg: Seg) -> None:
        self._require_bht(seg)
        self._close_level(seg)
        transaction = self.transaction
        if transaction is None or not transaction.sources:
            raise self.error(seg, "the transaction has no information source loop (2000A)")
        loops = LOOP_NAMES[self.task]
        chain = ["20", "21", "19", "22"] if self.task is Task.CLAIM_STATUS else ["20", "21", "22"]
        for source in transaction.sources:
            for level in source.walk():
                if level.code in chain[:-1]:
                    below = chain[chain.index(level.code) + 1]
                    if not any(child.code == below for child in level.children):
                        raise self.error(
                            seg, f"loop {loops[below]} is missing under the {loops[level.code]} at segment {level.position}"
                        )
        self.transaction, self.level, self.request, self.line = None, None, None, None

    def _ge(self, seg: Seg) -> None:
        if self.transaction is not None:
            raise self.error(seg, "comes before the SE of the transaction it closes")
        self.group = None

    def _iea(self, seg: Seg) -> None:
        self.ended = True

    def _require_bht(self, seg: Seg) -> None:
        if self.transaction is None:
            raise self.error(seg, "comes outside a transaction (before ST or after SE)")
        if self.expect_bht:
            raise self.error(seg, "the BHT segment must follow ST")

    def _close_level(self, seg: Seg) -> None:
        level = self.level
        if level is None:
            return
        loops = LOOP_NAMES[self.task]
        if level.name is None:
            entities = "/".join(NAME_ENTITIES[self.task][level.code])
            name_loop = loops[level.code].replace("2000", "2100")
            raise self.error(
                seg, f"loop {name_loop} (NM1*{entities}) is missing in the {loops[level.code]} level at segment {level.position}"
            )
        if self.task is Task.CLAIM_STATUS and level.code in ("22", "23") and not level.requests and not level.children:
            claim_loop = loops[level.code].replace("2000", "2200")
            raise self.error(
                seg, f"loop {claim_loop} (TRN) is missing in the {loops[level.code]} level at segment {level.position}"
            )
        if self.task is Task.ELIGIBILITY and level.code in ("22", "23") and not level.requests:
            if level.code == "23" or not level.children:
                level.requests.append(Request(level.name.position, level, trace=_member_trace(level), service_type="30"))

    # -- inside the levels ------------------------------------------------------------------

    def _body(self, seg: Seg) -> None:
        self._require_bht(seg)
        level = self.level
        if level is None:
            raise self.error(seg, "comes before the first HL")
        if seg.id == "NM1":
            self._name(level, seg)
        elif self.task is Task.CLAIM_STATUS:
            self._claim_segment(level, seg)
        else:
            self._member_segment(level, seg)

    def _name(self, level: Level, seg: Seg) -> None:
        entities = NAME_ENTITIES[self.task][level.code]
        loop = LOOP_NAMES[self.task][level.code].replace("2000", "2100")
        if level.name is not None or level.requests:
            raise self.error(seg, f"a second NM1 in loop {loop}")
        if seg.get(1) not in entities:
            raise self.error(seg, f"NM101 {seg.get(1)!r} is not {' or '.join(entities)} in loop {loop}")
        level.name = seg

    def _claim_segment(self, level: Level, seg: Seg) -> None:
        loop = LOOP_NAMES[self.task][level.code]
        if level.code not in ("22", "23"):
            raise self.error(seg, f"is not expected in loop {loop}")
        if seg.id == "DMG" and not level.requests and level.demographics is None:
            level.demographics = seg
            return
        if seg.id == "TRN":
            if level.name is None:
                raise self.error(seg, f"loop {loop.replace('2000', '2100')} (NM1) must come before the claim's TRN")
            self.request = Request(seg.position, level, trace=seg.get(2))
            self.line = None
            if seg.get(1) != "1":
                self.request.problems.append(("TRN01", f"is {seg.get(1)!r}, not 1 (current transaction trace number)"))
            if not seg.get(2):
                self.request.problems.append(("TRN02", "the trace number is empty"))
            level.requests.append(self.request)
            return
        request = self.request
        claim_loop = loop.replace("2000", "2200")
        if request is None:
            raise self.error(seg, f"is not expected in loop {loop} (a {claim_loop} claim starts with TRN)")
        if seg.id == "SVC":
            self.line = self._service_line(request, seg)
            request.lines.append(self.line)
        elif seg.id == "REF" and self.line is not None and seg.get(1) == "FJ":
            self.line.control_number = seg.get(2)
        elif seg.id == "DTP" and self.line is not None:
            self._line_dates(request, self.line, seg)
        elif seg.id == "REF" and self.line is None:
            request.references[seg.get(1)] = seg.get(2)
        elif seg.id == "AMT" and self.line is None:
            if seg.get(1) == "T3":
                self._amount(request, seg)
        elif seg.id == "DTP" and self.line is None:
            self._claim_dates(request, seg)
        else:
            raise self.error(
                seg, f"is not expected in loop {claim_loop if self.line is None else claim_loop.replace('2200', '2210')}"
            )

    def _member_segment(self, level: Level, seg: Seg) -> None:
        loop = LOOP_NAMES[self.task][level.code]
        if level.code not in ("22", "23"):
            if level.code == "21" and seg.id in {"REF", "N3", "N4", "PRV"}:
                return
            raise self.error(seg, f"is not expected in loop {loop}")
        if seg.id == "TRN":
            if level.name is not None:
                raise self.error(seg, f"TRN must come before the NM1 in loop {loop}")
            level.traces.append(seg)
            return
        if level.name is None:
            raise self.error(seg, f"loop {loop.replace('2000', '2100')} (NM1) must come first")
        if seg.id == "EQ":
            codes = seg.get(1).split(self.separators.repetition)
            self.request = Request(seg.position, level, trace=_member_trace(level), service_type=codes[0])
            if not codes[0]:
                self.request.problems.append(("EQ01", "no service type code"))
            elif len(codes) > 1:
                self.request.problems.append(("EQ01", "repeats service types: send one EQ segment per service type"))
            level.requests.append(self.request)
        elif seg.id == "DMG" and self.request is None:
            level.demographics = seg
        elif seg.id == "DTP":
            level.dates.append(seg)
        elif seg.id in IGNORED_MEMBER_SEGMENTS or (self.request is not None and seg.id in {"AMT", "III"}):
            return
        else:
            raise self.error(seg, f"is not expected in loop {loop}")

    # -- values -----------------------------------------------------------------------------

    def _amount(self, request: Request, seg: Seg) -> None:
        try:
            request.billed_amount = parse_amount(seg.get(2))
        except ValueError as error:
            request.problems.append(("AMT02", str(error)))

    def _claim_dates(self, request: Request, seg: Seg) -> None:
        if seg.get(1) != "472":
            raise self.error(seg, f"DTP01 {seg.get(1)!r} is not 472 (claim service date)")
        try:
            request.service_date_from, request.service_date_to = parse_period(seg.get(2), seg.get(3))
        except ValueError as error:
            request.problems.append(("DTP03", f"claim service date: {error}"))

    def _line_dates(self, request: Request, line: ServiceLineRequest, seg: Seg) -> None:
        try:
            line.service_date_from, line.service_date_to = parse_period(seg.get(2), seg.get(3))
        except ValueError as error:
            request.problems.append(("DTP03", f"service line date: {error}"))

    def _service_line(self, request: Request, seg: Seg) -> ServiceLineRequest:
        procedure = tuple(seg.get(1).split(self.separators.component))
        line = ServiceLineRequest(procedure, None, seg.get(4), None, "", None, None)
        for index, name in ((2, "charge"), (7, "units")):
            if seg.get(index):
                try:
                    setattr(line, name, parse_amount(seg.get(index)))
                except ValueError as error:
                    request.problems.append((f"SVC{index:02d}", str(error)))
        return line


def _member_trace(level: Level) -> str:
    """A 270 member's trace number: the provider's TRN*1 (a clearinghouse may add its own)."""
    traces = [trace for trace in level.traces if trace.get(1) == "1"] or level.traces
    return traces[0].get(2) if traces else ""
