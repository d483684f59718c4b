"""Finding ``@json_function``s from the AST: import aliases, where a definition can be
imported from, batch functions, tolerated syntax errors, and the artifacts the body reads
(``None`` when it reads them dynamically). Nothing is imported or run."""

from __future__ import annotations

from pathlib import Path

from mfstudio.functions_deploy import definitions_in_source, example_for, find_functions

ROOT = Path(__file__).resolve().parents[2]

ALIASES = '''\
import metaflow
import metaflow as mf
from metaflow import FunctionParameters, json_function as jf


@jf
def by_alias(data: dict, p: FunctionParameters) -> dict:
    """Scales x."""
    return {"y": p.scale * data["x"] + p["offset"]}


@metaflow.json_function(batch=True)
def by_module(data: list, params: FunctionParameters) -> list:
    return [getattr(params, "model").predict(r) for r in data]


@mf.json_function(batch=False)
def by_module_alias(data, params: FunctionParameters):
    if "scaler" in params and hasattr(params, "scaler"):
        return params.scaler(data)
    return data


@other.json_function
def not_ours(data, params):
    return params.model


@staticmethod
def not_decorated_as_function(data, params):
    return params.model
'''


def test_deploy_discover_finds_every_import_alias() -> None:
    found = {d.name: d for d in definitions_in_source(ALIASES)}
    assert sorted(found) == ["by_alias", "by_module", "by_module_alias"]
    alias = found["by_alias"]
    assert (alias.reads, alias.batch, alias.doc) == (["scale", "offset"], False, "Scales x.")
    assert (alias.decorator_line, alias.line) == (5, 6)  # 0-based: the lens sits on line 5
    assert (found["by_module"].reads, found["by_module"].batch) == (["model"], True)
    # `in` and hasattr read nothing; the attribute read counts.
    assert (found["by_module_alias"].reads, found["by_module_alias"].batch) == (["scaler"], False)


NESTED = """\
from metaflow import json_function

try:
    import numpy
except ImportError:
    @json_function
    def in_except(data, params):
        return 1
else:
    @json_function
    def in_else(data, params):
        return 2

if True:
    @json_function
    def in_if(data, params):
        return {"m": [params.model for _ in range(2)]}


def factory():
    @json_function
    def inner(data, params):  # not importable as module.inner
        return params.model
    return inner


class Holder:
    @json_function
    def method(data, params):  # a class attribute: not module.method
        return params.model
"""


def test_deploy_discover_lists_only_definitions_importable_by_name() -> None:
    found = {d.name: d.reads for d in definitions_in_source(NESTED)}
    assert found == {"in_except": [], "in_else": [], "in_if": ["model"]}


DYNAMIC = """\
from metaflow import json_function


@json_function
def computed_name(data, params):
    return params[data["which"]]


@json_function
def computed_getattr(data, params):
    return getattr(params, data["which"])


@json_function
def handed_on(data, params):
    return helper(data, params)


@json_function
def iterated(data, params):
    return {name: params[name] for name in params}


@json_function
def constant_keys(data, params):
    return params["model"], getattr(params, "labels"), params.model
"""


def test_deploy_discover_reads_are_none_when_dynamic() -> None:
    found = {d.name: d.reads for d in definitions_in_source(DYNAMIC)}
    assert found == {
        "computed_name": None,
        "computed_getattr": None,
        "handed_on": None,
        "iterated": None,
        "constant_keys": ["model", "labels"],
    }


def test_deploy_discover_tolerates_files_that_do_not_parse(tmp_path: Path) -> None:
    broken = tmp_path / "half_typed.py"
    broken.write_text("from metaflow import json_function\n\n@json_function\ndef f(data, params:\n")
    assert definitions_in_source(broken.read_text()) == []
    assert list(find_functions([broken], [tmp_path])) == []


def test_deploy_discover_names_modules_from_the_workspace_folder(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "sub" / "serve.py").write_text(ALIASES)
    (tmp_path / "pkg" / "__init__.py").write_text(NESTED)
    (tmp_path / "other.py").write_text("def json_function_like(): pass\n")
    files = sorted(tmp_path.rglob("*.py"))
    found = [(f.module, f.name) for f in find_functions(files, [tmp_path])]
    assert found == [
        ("pkg", "in_except"),
        ("pkg", "in_else"),
        ("pkg", "in_if"),
        ("pkg.sub.serve", "by_alias"),
        ("pkg.sub.serve", "by_module"),
        ("pkg.sub.serve", "by_module_alias"),
    ]
    # An open document's unsaved text wins over the file on disk.
    edited = {tmp_path / "other.py": ALIASES.replace("by_alias", "renamed")}
    names = [f.name for f in find_functions([tmp_path / "other.py"], [tmp_path], edited)]
    assert names == ["renamed", "by_module", "by_module_alias"]


def test_deploy_discover_the_demo_function_and_its_example_body() -> None:
    demo = ROOT / "test-fixtures" / "demo"
    (found,) = find_functions([demo / "functions" / "predict.py"], [demo])
    info = found.to_json()
    assert info["module"] == "functions.predict"
    assert (info["name"], info["reads"], info["batch"]) == ("predict", ["model"], False)
    assert info["uri"] == (demo / "functions" / "predict.py").resolve().as_uri()
    point = {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]}
    assert example_for(point) == {"x": 0.0}
    assert example_for({"type": "object"}) == {}  # a plain dict
    assert example_for({}) == {}  # no hint: any JSON
    nested = {
        "$defs": {"Item": {"type": "object", "properties": {"n": {"type": "integer"}}}},
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
            "label": {"anyOf": [{"type": "null"}, {"type": "string"}]},
            "kind": {"enum": ["a", "b"]},
        },
    }
    assert example_for(nested) == {"items": [{"n": 0}], "label": "", "kind": "a"}


def test_deploy_package_exports_are_complete_and_importable() -> None:
    import importlib
    import pkgutil

    import mfstudio.functions_deploy as package

    for name in package.__all__:
        assert hasattr(package, name), name
    for module in pkgutil.iter_modules(package.__path__):
        imported = importlib.import_module(f"mfstudio.functions_deploy.{module.name}")
        for name in imported.__all__:
            assert hasattr(imported, name), f"{module.name}.{name}"
