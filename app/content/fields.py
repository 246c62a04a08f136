"""Small typed field readers for content mappings: each reports path:line and returns a clean value."""
from __future__ import annotations

import re
from typing import Any

from app.content.problems import Reporter
from app.content.yamlsource import LineDict, LineList

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_MISSING = object()


def _type_name(value: Any) -> str:
    return {str: "text", int: "a whole number", bool: "true or false", float: "a number",
            LineDict: "a mapping", LineList: "a list", dict: "a mapping", list: "a list",
            type(None): "empty"}.get(type(value), type(value).__name__)


class Fields:
    """Reads fields from one mapping, reporting each problem against the right line."""

    def __init__(self, mapping: Any, report: Reporter, where: str = ""):
        self.report = report
        self.where = where
        self.ok = isinstance(mapping, dict)
        self.mapping: LineDict = mapping if self.ok else LineDict()
        self.line = getattr(mapping, "line", 1)
        if not self.ok:
            report(self.line, f"{where or 'the file'} must be a mapping of 'key: value' lines, "
                              f"not {_type_name(mapping)}")

    def line_of(self, key: str) -> int:
        return self.mapping.line_of(key) if isinstance(self.mapping, LineDict) else self.line

    def _prefix(self, key: str) -> str:
        return f"{self.where}: '{key}'" if self.where else f"'{key}'"

    def _get(self, key: str, required: bool) -> Any:
        value = self.mapping.get(key, _MISSING)
        if value is _MISSING or value is None or value == "":
            if required and self.ok:
                where = self.line_of(key) if key in self.mapping else self.line
                self.report(where, f"{self._prefix(key)} is missing")
            return _MISSING
        return value

    def text(self, key: str, required: bool = True, default: str | None = None) -> str | None:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.report(self.line_of(key), f"{self._prefix(key)} must be text, not {_type_name(value)}")
            return default
        return value.strip()

    def identifier(self, key: str, required: bool = True) -> str | None:
        value = self.text(key, required)
        if value is not None and not ID_PATTERN.match(value):
            self.report(self.line_of(key), f"{self._prefix(key)} must be lower-case letters, digits "
                                           f"and hyphens, not {value!r}")
            return None
        return value

    def integer(self, key: str, required: bool = True, minimum: int | None = None,
                maximum: int | None = None, default: int | None = None) -> int | None:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(self.line_of(key), f"{self._prefix(key)} must be a whole number, "
                                           f"not {value!r}")
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = f"from {minimum}" + (f" to {maximum}" if maximum is not None else " upwards")
            self.report(self.line_of(key), f"{self._prefix(key)} must be {bounds}, not {value}")
            return default
        return value

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.mapping.get(key, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.report(self.line_of(key), f"{self._prefix(key)} must be true or false, not {value!r}")
            return default
        return value

    def choice(self, key: str, choices: tuple[str, ...], required: bool = True,
               default: str | None = None) -> str | None:
        value = self.text(key, required, default)
        if value is not None and value not in choices:
            self.report(self.line_of(key), f"{self._prefix(key)} must be one of "
                                           f"{', '.join(choices)}, not {value!r}")
            return default
        return value

    def items(self, key: str, required: bool = True) -> list[tuple[int, Any]]:
        """A list's items with their lines; a single value is reported, not guessed at."""
        value = self._get(key, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.report(self.line_of(key), f"{self._prefix(key)} must be a list, "
                                           f"not {_type_name(value)}")
            return []
        lines = getattr(value, "item_lines", [self.line_of(key)] * len(value))
        return list(zip(lines, value, strict=False))

    def text_list(self, key: str, required: bool = True, allowed: set[str] | None = None,
                  what: str = "value") -> tuple[str, ...]:
        out: list[str] = []
        for line, item in self.items(key, required):
            if not isinstance(item, (str, int)) or isinstance(item, bool):
                self.report(line, f"{self._prefix(key)}: each item must be text, "
                                  f"not {_type_name(item)}")
                continue
            item = str(item).strip()
            if allowed is not None and item not in allowed:
                self.report(line, f"{self._prefix(key)}: unknown {what} {item!r}")
                continue
            out.append(item)
        value = self.mapping.get(key)
        if required and isinstance(value, list) and not value:
            self.report(self.line_of(key), f"{self._prefix(key)} must not be empty")
        return tuple(out)

    def unknown_keys(self, known: set[str]) -> None:
        for key in self.mapping:
            if key not in known:
                self.report(self.line_of(key), f"{self._prefix(str(key))} is not a field we know "
                                               f"(expected one of: {', '.join(sorted(known))})")
