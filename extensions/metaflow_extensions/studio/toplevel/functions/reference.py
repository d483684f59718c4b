"""The reference: a portable, versioned JSON string naming a package by its content hash.

    {"format": "metaflow-function-reference", "version": 1,
     "function": "predict", "package": {"url": "file:///dir", "sha256": "<manifest hash>"},
     "python": "3.11", "task": "TrainFlow/1/train/2",
     "input_schema": {...}, "output_schema": {...}}

Only ``package`` is needed to load; the rest lets tools describe the function without
fetching the package.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .errors import FunctionReferenceError

__all__ = ["FunctionReference"]

FORMAT = "metaflow-function-reference"
VERSION = 1
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class FunctionReference:
    function: str
    url: str
    sha256: str
    python: str
    task: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "version": VERSION,
                "function": self.function,
                "package": {"url": self.url, "sha256": self.sha256},
                "python": self.python,
                "task": self.task,
                "input_schema": self.input_schema,
                "output_schema": self.output_schema,
            },
            sort_keys=True,
        )

    @classmethod
    def parse(cls, text: str) -> FunctionReference:
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise FunctionReferenceError(
                f"not a function reference: expected the JSON string from fn.reference ({exc})"
            ) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise FunctionReferenceError(
                f"not a function reference: its 'format' must be {FORMAT!r}"
            )
        if data.get("version") != VERSION:
            raise FunctionReferenceError(
                f"function reference version {data.get('version')!r} is not supported "
                f"(this runtime reads version {VERSION}); upgrade metaflow-studio"
            )
        package = data.get("package")
        if not isinstance(package, dict) or not isinstance(package.get("url"), str):
            raise FunctionReferenceError("function reference: 'package.url' is missing")
        digest = package.get("sha256")
        if not isinstance(digest, str) or not _SHA256.match(digest):
            raise FunctionReferenceError(
                "function reference: 'package.sha256' must be 64 lowercase hex digits"
            )
        return cls(
            function=str(data.get("function", "")),
            url=package["url"],
            sha256=digest,
            python=str(data.get("python", "")),
            task=str(data.get("task", "")),
            input_schema=data.get("input_schema") or {},
            output_schema=data.get("output_schema") or {},
        )
