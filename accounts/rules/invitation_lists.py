"""Read a list of people to invite, as pasted or uploaded. Pure text work, no database.

Two shapes are accepted:
- a pasted list: addresses separated by line breaks, commas, semicolons or spaces, each
  optionally as `Name <email>` or `"Last, First" <email>` (what mail clients copy);
- a CSV with a header row naming its columns: `email` (required), `name`, `unit`, `role`, in
  any order and any case; comma, semicolon or tab separated (Excel in many locales uses `;`),
  Excel-style quoting, UTF-8 with or without a byte-order mark (UTF-16 and Windows-1252, what
  older Excel saves, are read too). Other columns are ignored.

Bounds: at most `MAX_ROWS` rows and `MAX_BYTES` of text, refused with a clear message.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

MAX_ROWS = 500
MAX_BYTES = 1024 * 1024
DELIMITERS = (",", ";", "\t")
# Header cell (lower case, trimmed) → column.
HEADERS = {
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "e-mail address": "email",
    "name": "name",
    "full name": "name",
    "unit": "unit",
    "team": "unit",
    "department": "unit",
    "role": "role",
}
TOO_BIG = "The list is larger than 1 MB. Split it into smaller files."
TOO_MANY = f"The list has more than {MAX_ROWS} rows. Invite at most {MAX_ROWS} people at a time."
EMPTY = "The list is empty. Paste some addresses or choose a CSV file."
UNREADABLE = "This file is not text we can read. Save it as “CSV UTF-8” and try again."
# Pasted lists: a quoted name, an <address>, a separator, or a word (a linear scan).
_TOKEN = re.compile(r'"[^"\n]*"|<[^<>\n]*>|[,;]|[^\s,;"<>]+|\S')


@dataclass(frozen=True)
class InvitationRow:
    """One row as written (nothing resolved yet); `line` is where it starts (1-based)."""

    line: int
    email: str
    name: str = ""
    unit: str = ""
    role: str = ""


def decode_invitation_text(data: str | bytes) -> str:
    """The text of an upload or a paste, within `MAX_BYTES`, without a byte-order mark and
    with plain line breaks."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise ValidationError(TOO_BIG)
        text = _decode(data)
    else:
        if len(data) > MAX_BYTES or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            raise ValidationError(TOO_BIG)
        text = data.removeprefix("\ufeff")
    if "\x00" in text:  # a binary file, or UTF-16 without its byte-order mark
        raise ValidationError(UNREADABLE)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(UNREADABLE)


def parse_invitation_rows(data: str | bytes) -> list[InvitationRow]:
    """The rows of a pasted list or a CSV (see the module docstring). Raises ValidationError
    for an empty, oversized or unreadable list; a bad row is returned as written (checking
    addresses, units and roles is `plan_invitations`' job)."""
    text = decode_invitation_text(data)
    first = next((line for line in text.split("\n") if line.strip()), None)
    if first is None:
        raise ValidationError(EMPTY)
    delimiter = _header_delimiter(first)
    rows = _csv_rows(text, delimiter) if delimiter else _pasted_rows(text)
    if not rows:
        raise ValidationError(EMPTY)
    return rows


def _header_cells(line: str, delimiter: str) -> list[str]:
    try:
        cells = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []
    return [cell.strip().lower() for cell in cells]


def _header_delimiter(first_line: str) -> str | None:
    """The delimiter when the first line is a CSV header (it names known columns and holds
    no address), else None: a pasted list."""
    if "@" in first_line:
        return None
    best, known = None, 0
    for delimiter in DELIMITERS:
        count = sum(cell in HEADERS for cell in _header_cells(first_line, delimiter))
        if count > known:
            best, known = delimiter, count
    return best


def _csv_rows(text: str, delimiter: str) -> list[InvitationRow]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[InvitationRow] = []
    columns: dict[str, int] | None = None
    line = 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if columns is None:
                columns = _columns(record)
                continue
            if len(rows) == MAX_ROWS:
                raise ValidationError(TOO_MANY)
            cell = {key: record[i] if i < len(record) else "" for key, i in columns.items()}
            rows.append(
                InvitationRow(
                    line=start,
                    email=cell["email"].strip(),
                    name=cell.get("name", "").strip(),
                    unit=cell.get("unit", "").strip(),
                    role=cell.get("role", "").strip(),
                )
            )
    except csv.Error as exc:
        raise ValidationError(f"Line {line}: this CSV cannot be read ({exc}).") from exc
    return rows


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = HEADERS.get(cell.strip().lower())
        if key is None:
            continue
        if key in columns:
            raise ValidationError(f"The header row has two “{key}” columns. Keep one.")
        columns[key] = index
    if "email" not in columns:
        raise ValidationError(
            "The header row needs an email column (for example: name,email,unit,role)."
        )
    return columns


def _pasted_rows(text: str) -> list[InvitationRow]:
    rows: list[InvitationRow] = []

    def add(line: int, email: str, name: str = "") -> None:
        if len(rows) == MAX_ROWS:
            raise ValidationError(TOO_MANY)
        rows.append(InvitationRow(line=line, email=email, name=name))

    for number, line in enumerate(text.split("\n"), start=1):
        pending: list[str] = []  # words that may be the name before an <address>

        def flush(number: int = number, pending: list[str] = pending) -> None:
            # Words without an address ("Jane Doe") are one row, shown as invalid; stray
            # punctuation is not a row.
            words = " ".join(w.strip('"') for w in pending if any(c.isalnum() for c in w))
            if words:
                add(number, words)
            pending.clear()

        for token in _TOKEN.findall(line):
            if token.startswith("<") and token.endswith(">") and len(token) > 1:
                name = " ".join(w.strip('"') for w in pending).strip().strip("'\"").strip()
                pending.clear()
                add(number, token[1:-1].strip(), name)
            elif token in (",", ";"):
                flush()
            elif "@" in token and not token.startswith('"'):
                flush()
                add(number, token)
            else:
                pending.append(token)
        flush()
    return rows
