"""The members sheet's rows written as SpreadsheetML, into the workbook XlsxWriter made.

XlsxWriter builds the workbook (styles, the header, frozen panes, the filter, widths, the Summary
sheet) and is given one sample row; this module then copies the file and, in the members sheet,
replaces the sample with every member's row. XlsxWriter spends about 5 µs of Python on each of a
national report's 220,000 cells, and the Excel export missed its 1.5 s goal on that alone; a row
written here as one string costs under a tenth of that. The cells are the plain kinds the
standard defines (ECMA-376 part 1, 18.3.1.4): numbers, dates as numbers with a date style, and
text as inline strings, which is how XlsxWriter itself writes text in its constant-memory mode.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import IO, Iterable, Iterator

COLUMNS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# XML's own markup characters; the characters XML cannot hold at all are taken out before this.
_MARKUP = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_SHEET_DATA = re.compile(r"<sheetData>(.*)</sheetData>", re.S)
_FIRST_ROW = re.compile(r"<row [^>]*>.*?</row>", re.S)
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
ROWS_PER_WRITE = 1000


def text_cell(ref: str, value: str) -> str:
    escaped = value.translate(_MARKUP)
    if value[:1].isspace() or value[-1:].isspace():
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escaped}</t></is></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escaped}</t></is></c>'


def number_cell(ref: str, value: int | float, style: int | None = None) -> str:
    if style is None:
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'


def row_xml(number: int, cells: Iterable[str]) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


def replace_rows(workbook: bytes, sheet_path: str, last_column: str, rows: Iterable[str], count: int,
                 out: IO[bytes]) -> None:
    """Copy the workbook to out with the sheet's rows after its first (the header) replaced by
    `rows` (XML, `count` of them). The sheet's size is corrected to match."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename != sheet_path:
                target.writestr(item, data)
                continue
            xml = data.decode("utf-8")
            found = _SHEET_DATA.search(xml)
            if found is None:
                raise ValueError(f"{sheet_path} has no <sheetData>")
            header = _FIRST_ROW.search(found.group(1))
            before = _DIMENSION.sub(f'<dimension ref="A1:{last_column}{count + 1}"/>', xml[:found.start()])
            info = zipfile.ZipInfo(item.filename, item.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            with target.open(info, "w") as sheet:
                sheet.write(f"{before}<sheetData>{header.group(0) if header else ''}".encode())
                for chunk in _chunks(rows):
                    sheet.write(chunk.encode())
                sheet.write(f"</sheetData>{xml[found.end():]}".encode())


def _chunks(rows: Iterable[str]) -> Iterator[str]:
    batch: list[str] = []
    for row in rows:
        batch.append(row)
        if len(batch) == ROWS_PER_WRITE:
            yield "".join(batch)
            batch.clear()
    if batch:
        yield "".join(batch)
