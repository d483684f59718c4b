"""Code capture: local modules followed through absolute and relative imports, nothing else."""

from __future__ import annotations

import importlib
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import predict_fn
import pytest
from conftest import BOUND
from metaflow import JsonFunction, function_from_json
from metaflow_extensions.studio.toplevel.functions.capture import capture_code
from metaflow_extensions.studio.toplevel.functions.package import functions_home


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text))


def test_functions_capture_follows_local_imports_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/serve/__init__.py": "",
            "shop/serve/fn.py": """
                import json
                import numpy
                from . import rules
                from ..util import money
                from shop.models import Basket
                def price(data, params): ...
            """,
            "shop/serve/rules.py": "def lazy():\n    from shop import late\n",
            "shop/util.py": "def money(x):\n    return x\n",
            "shop/models.py": "class Basket: ...\n",
            "shop/late.py": "",
            "shop/unused.py": "import pandas\n",
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("shop.serve.fn")
    try:
        code = capture_code(module)
    finally:
        for name in [n for n in sys.modules if n == "shop" or n.startswith("shop.")]:
            del sys.modules[name]
    assert code.module == "shop.serve.fn"
    assert sorted(code.files) == [
        "shop/__init__.py",
        "shop/late.py",  # imported inside a function: still found
        "shop/models.py",
        "shop/serve/__init__.py",
        "shop/serve/fn.py",
        "shop/serve/rules.py",
        "shop/util.py",
    ]
    assert code.third_party == {"numpy"}  # json is stdlib; pandas is only in an unused module


def test_functions_reference_without_export_uses_the_local_cache(train_task: Any) -> None:
    fn = JsonFunction(predict_fn.predict, task=train_task, artifacts=BOUND)
    ref = json.loads(fn.reference)
    package = Path(ref["package"]["url"].removeprefix("file://"))
    assert package == functions_home() / "packages" / ref["package"]["sha256"]
    with function_from_json(fn.reference) as loaded:
        record = {"sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3}
        assert loaded(record) == fn(record)
