"""File-level checks before row-level ones: a file that is not what it claims is refused whole.

Row-level rules quarantine bad events one by one (semantics.md, "Events"). A whole file of
the wrong kind — a binary, an HTML page saved instead of an export, one JSON document where
JSON lines were expected, a Parquet file that is not Parquet, a CSV whose header lacks the
required columns — would instead become hundreds of quarantined rows and exit 0. So
:func:`preflight` looks at each input once, before anything is read or written, and raises
one :class:`~journeylab.errors.InputError` naming the file, what it looks like and the fix.
Nothing is quarantined and nothing lands (all inputs are checked before the first commit).

It reads at most :data:`SNIFF_BYTES` from the start of the file (through ``.gz``) and, for
Parquet, the 4-byte magic at both ends.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from pathlib import Path

import pyarrow.parquet as pq

from journeylab.errors import InputError
from journeylab.ingest.importers import LABELS, VENDORS, sniff
from journeylab.ingest.readers import detect_format

__all__ = ["BINARY_SHARE", "CSV_OPTIONAL", "CSV_REQUIRED", "SNIFF_BYTES", "preflight"]

#: bytes read from the start of a file to judge it
SNIFF_BYTES = 64 * 1024
#: CSV columns every file needs, as the reader spells them (the Events API's camelCase)
CSV_REQUIRED = ("userId", "name")
#: CSV columns read when present (``data.*`` flat columns too)
CSV_OPTIONAL = ("eventAt", "eventId", "data")
_PARQUET_MAGIC = b"PAR1"
_MAGICS = {
    b"PAR1": "a Parquet file",
    b"\x1f\x8b": "gzip data",
    b"PK\x03\x04": "a zip archive",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"SQLite format 3": "an SQLite database",
}
_HTML = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml|<!--)", re.IGNORECASE)
_BATCH = re.compile(r'^\{\s*"events"\s*:')
_KEY = re.compile(r'^"[^"]*"\s*:')
_CSV_HEADER = re.compile(r'[\w."]+(,[\w."]*)+')
#: above this share of non-text characters a "text" file is binary
BINARY_SHARE = 0.1
_FORMAT_NAMES = {"jsonl": "JSON lines", "json": "a JSON document", "csv": "CSV"}


def preflight(path: Path, fmt: str | None = None) -> None:
    """Refuse ``path`` as a whole when it cannot be ``fmt`` (jsonl, json, csv, parquet;
    None: from the extension, as the readers decide).

    Raises :class:`~journeylab.errors.InputError` naming the file, what it looks like and
    the fix; returns quietly for a file worth reading row by row (row-level problems are
    quarantined by the readers)."""
    _check_path(path)
    fmt = detect_format(path, fmt)
    if fmt in VENDORS:
        _check_export(path, fmt)
        return
    if fmt == "parquet":
        _check_parquet(path)
        _check_not_export(path, dict.fromkeys(pq.read_schema(path).names))
        return
    head, whole = _head(path)
    if not head.strip():
        return  # empty: nothing to ingest, nothing to refuse
    _check_text(path, head, fmt)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    _check_not_export(path, _first_record(text))
    if fmt == "jsonl":
        _check_jsonl(path, text, whole)
    elif fmt == "json":
        _check_json(path, text)
    elif fmt == "csv":
        _check_csv(path, text)


def _refuse(path: Path, problem: str, fix: str) -> InputError:
    return InputError(
        f"Invalid value for PATH: {str(path)!r} {problem}. Nothing was ingested. {fix}"
    )


def _check_path(path: Path) -> None:
    try:
        if not path.exists():
            raise _refuse(path, "does not exist", "Check the path.")
        if path.is_dir():
            raise _refuse(path, "is a folder", "Pass the event files in it (e.g. DIR/*.jsonl).")
        if not path.is_file():  # never open a pipe or a device: it could block forever
            raise _refuse(path, "is not a regular file (a pipe or a device)", "Pass a file.")
        with open(path, "rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise _refuse(
            path, f"cannot be read ({exc.strerror or exc})", "Check its permissions."
        ) from None


def _head(path: Path) -> tuple[bytes, bool]:
    """The first bytes of the file's content (decompressed for ``.gz``), and whether they
    are all of it."""
    try:
        opener = gzip.open if path.suffix.lower() == ".gz" else open
        with opener(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
            return head, not fh.read(1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise _refuse(
            path, f"ends in .gz but is not gzip data ({exc})", "Rename it or compress it again."
        ) from None


def _what(head: bytes) -> str | None:
    for magic, what in _MAGICS.items():
        if head.startswith(magic):
            return what
    return None


def _check_text(path: Path, head: bytes, fmt: str) -> None:
    """A text format must be text (no NUL bytes, mostly UTF-8) and not an HTML page. A few
    bytes that are not UTF-8 are a row-level problem (those records are quarantined)."""
    want = _FORMAT_NAMES[fmt]
    what = _what(head)
    if what is None and _utf16(head):
        excel = "Excel: 'CSV UTF-8'; " if fmt == "csv" else ""
        plain = Path(path.stem) if path.suffix.lower() == ".gz" else path
        out = f"{plain.stem}-utf8{plain.suffix}"
        convert = (
            f"zcat {path.name} | iconv -f UTF-16 -t UTF-8 > {out}"
            if plain is not path
            else f"iconv -f UTF-16 -t UTF-8 {path.name} > {out}"
        )
        raise _refuse(
            path,
            f"is UTF-16 text, not {want} in UTF-8",
            f"Save it as UTF-8 ({excel}or convert it: {convert}).",
        )
    binary = b"\x00" in head or _not_text(head) > BINARY_SHARE
    if what is not None or binary:
        looks = what or "binary data"
        fix = {
            "a Parquet file": "Pass --format parquet.",
            "gzip data": "Name it with a .gz suffix (e.g. events.jsonl.gz).",
        }.get(what or "", f"Pass the {want} export.")
        raise _refuse(path, f"is {looks}, not {want} (UTF-8 text)", fix)
    if _HTML.match(head):
        raise _refuse(
            path,
            f"is an HTML or XML page, not {want}",
            "It is probably an error or login page saved instead of the export; download "
            "the export again.",
        )


def _not_text(head: bytes) -> float:
    """The share of characters in ``head`` that are not UTF-8 text (undecodable bytes and
    control characters other than tab, newline, carriage return and form feed)."""
    text = head.decode("utf-8", errors="replace")
    bad = sum(1 for c in text if c == "\ufffd" or (c < " " and c not in "\t\n\r\f"))
    return bad / max(len(text), 1)


def _utf16(head: bytes) -> bool:
    """UTF-16 text (Excel's "Unicode Text", Windows tools): its byte order mark, or a NUL
    byte beside nearly every ASCII character, in either order."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    pairs = head[: len(head) // 2 * 2]
    if len(pairs) < 8:
        return False
    low, high = pairs[0::2], pairs[1::2]
    return any(
        part.count(0) > 0.9 * len(part) and other.count(0) == 0
        for part, other in ((low, high), (high, low))
    )


def _lines(text: str, n: int) -> list[str]:
    out = []
    for line in text.splitlines():
        if line.strip():
            out.append(line.strip())
            if len(out) == n:
                break
    return out


def _check_jsonl(path: Path, text: str, whole: bool) -> None:
    lines = _lines(text, 2)
    if _is_document(text, lines, whole):
        raise _refuse(
            path,
            "is one JSON document (an array or an object spread over lines), not JSON "
            "lines (one event object a line)",
            'Pass --format json for a batch body {"events": [...]} or a list of events.',
        )
    if _CSV_HEADER.fullmatch(lines[0]) and {"userId", "name"} <= set(lines[0].split(",")):
        raise _refuse(
            path,
            f"is CSV (its first line is the header {lines[0][:60]!r}), not JSON lines",
            "Pass --format csv (or name it .csv).",
        )


def _is_document(text: str, lines: list[str], whole: bool) -> bool:
    """One JSON document rather than one record a line: a batch body, a list of event
    objects, or an array or object spread over lines. A line that is only broken (``{``,
    ``[1, 2]``) is a row-level problem. ``whole``: ``text`` is the whole file."""
    if whole:
        try:
            doc = json.loads(text)
        except ValueError:
            return False
        if isinstance(doc, dict) and "events" in doc:
            return True
        if isinstance(doc, list) and doc and all(isinstance(x, dict) for x in doc):
            return True
        return isinstance(doc, dict | list) and len(lines) > 1
    first, second = lines[0], (lines[1] if len(lines) > 1 else "")
    return bool(
        _BATCH.match(first)
        or first.startswith("[{")
        or (first == "[" and second.startswith("{"))
        or (first == "{" and _KEY.match(second))
    )


def _check_json(path: Path, text: str) -> None:
    first = text.lstrip()[:1]
    if first not in ("{", "["):
        raise _refuse(
            path,
            f"is not a JSON document (it starts with {text.lstrip()[:40]!r})",
            'Pass a batch body {"events": [...]} or a JSON list of events.',
        )
    lines = _lines(text, 2)
    if len(lines) == 2 and all(ln.startswith("{") and ln.endswith("}") for ln in lines):
        raise _refuse(
            path,
            "holds one JSON object a line (JSON lines), not one JSON document",
            "Pass --format jsonl (or name it .jsonl).",
        )


def _check_csv(path: Path, text: str) -> None:
    header = next(csv.reader(io.StringIO(text.splitlines()[0] if text else "")), [])
    header = [h.strip() for h in header]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if not missing:
        return
    hints = []
    for col in missing:
        near = [h for h in header if _squash(h) == _squash(col)]
        if near:
            hints.append(f"rename {near[0]!r} to {col!r}")
    fix = (
        "Accepted columns (exact spelling): "
        + ", ".join(repr(c) for c in CSV_REQUIRED)
        + " (required), "
        + ", ".join(repr(c) for c in CSV_OPTIONAL)
        + " and 'data.*' flat fields (optional)."
    )
    if hints:
        fix = "Fix the header: " + "; ".join(hints) + ". " + fix
    separator = _separator(text.splitlines()[0] if text else "")
    if separator is not None:
        fix = (
            f"Its columns are separated by {separator!r}, not commas: save it comma-separated "
            "(Excel: 'CSV UTF-8 (Comma delimited)'), or export JSON lines."
        )
    shown = ", ".join(repr(h) for h in header[:12]) + (" ..." if len(header) > 12 else "")
    raise _refuse(
        path,
        "is a CSV whose header lacks the required column(s) "
        + ", ".join(repr(c) for c in missing)
        + f" (its header: {shown})",
        fix,
    )


def _separator(line: str) -> str | None:
    """The separator of a header that splits into the required columns by another
    character than the comma (Excel writes ';' where the comma is the decimal mark)."""
    for sep in (";", "\t", "|"):
        names = [h.strip().strip('"') for h in line.split(sep)]
        if all(c in names for c in CSV_REQUIRED):
            return sep
    return None


def _squash(name: str) -> str:
    return re.sub(r"[\s_\-.]+", "", name).casefold()


def _check_parquet(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(4)
        fh.seek(max(size - 4, 0))
        tail = fh.read(4)
    if size >= 12 and head == _PARQUET_MAGIC and tail == _PARQUET_MAGIC:
        return
    what = _what(head) or ("empty" if size == 0 else "not Parquet")
    looks = f"is {what}" if what != "not Parquet" else "is not a Parquet file"
    if what == "empty":
        looks = "is empty (0 bytes), not a Parquet file"
    elif head == _PARQUET_MAGIC:
        looks = "starts like Parquet but is cut short (no footer)"
    raise _refuse(
        path,
        f"{looks} (no PAR1 magic at both ends)",
        "Pass the Parquet export, or --format for what the file really holds.",
    )


def _first_record(text: str) -> object:
    lines = _lines(text, 1)
    try:
        return json.loads(lines[0]) if lines else None
    except ValueError:
        return None


def _check_not_export(path: Path, record: object) -> None:
    """A file shaped like another tool's export, read as Events API records, would be
    quarantined record by record (missing_user_id, missing_name): name the importer."""
    vendor = sniff(record)
    if vendor is None or not isinstance(record, dict):
        return
    fields = ", ".join(sorted(record)[:8]) + (", ..." if len(record) > 8 else "")
    article = "an" if LABELS[vendor][0] in "AEIOU" else "a"
    raise _refuse(
        path,
        f"looks like {article} {LABELS[vendor]} export (its fields: {fields}), not Events API "
        "records (userId, name, eventAt, data)",
        f"Pass --format {vendor} to import it (docs/importers.md says how its fields map).",
    )


def _check_export(path: Path, vendor: str) -> None:
    """An export: a zip (Amplitude), Parquet (PostHog) or JSON lines, gzipped or not."""
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04" or (magic == _PARQUET_MAGIC and vendor == "posthog"):
        return
    head = _head(path)[0] if magic[:2] != b"\x1f\x8b" else _gunzip_head(path)
    if head.strip():
        _check_text(path, head, "jsonl")


def _gunzip_head(path: Path) -> bytes:
    try:
        with gzip.open(path, "rb") as fh:
            return fh.read(SNIFF_BYTES)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise _refuse(
            path, f"is not valid gzip data ({exc})", "Download the export again."
        ) from None
