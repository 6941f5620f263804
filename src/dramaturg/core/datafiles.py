"""Reading the YAML data files the repository ships (card templates, instruments).

Each kind of file has its own schema reader; this base gives them the common parts: parsing,
the checks every file shares, texts in both languages, and errors that name the file and the
place inside it, so a broken file is refused before it reaches anyone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import yaml

Texts = dict[str, str]


class DataFileError(ValueError):
    """A data file does not follow its schema."""


class DataFileReader:
    error: ClassVar[type[DataFileError]] = DataFileError

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> DataFileError:
        return self.error(f"{self.path.name}: {where}: {problem}")

    def load(self) -> dict[str, Any]:
        """The file's top-level mapping, whose `id` must equal the file name."""
        try:
            raw = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise self.fail("file", f"not valid YAML ({error})") from error
        if not isinstance(raw, dict):
            raise self.fail("file", "expected a mapping at the top")
        if raw.get("id") != self.path.stem:
            raise self.fail("id", "must equal the file name")
        return raw

    def texts(self, value: Any, where: str, required: bool = True) -> Texts:
        """A text in Dutch and English; both must be written unless `required` is false."""
        if value is None and not required:
            return {"nl": "", "en": ""}
        if not isinstance(value, dict) or set(value) - {"nl", "en"}:
            raise self.fail(where, "expected a mapping with the keys nl and en")
        texts = {lang: str(value.get(lang) or "").strip() for lang in ("nl", "en")}
        if required and not all(texts.values()):
            raise self.fail(where, "both nl and en need a text")
        return texts
