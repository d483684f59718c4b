"""The run form's validation and the command lines it produces, checked by running them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from client_probe import client_json
from mfstudio.flowgraph import analyze_source
from mfstudio.launch import LaunchError, RunRequest, decospec, form_fields, run_argv, validate
from runs_fixture import metaflow_env

ROOT = Path(__file__).resolve().parents[2]
DEMO_FLOW = ROOT / "test-fixtures" / "demo" / "flows" / "training_flow.py"

FORM_FLOW = """
from metaflow import FlowSpec, Parameter, IncludeFile, JSONType, step

class FormFlow(FlowSpec):
    count = Parameter("count", default=3, help="How many")
    rate = Parameter("rate", type=float, default=0.5)
    name_ = Parameter("who", required=True)
    flag = Parameter("flag", default=False, type=bool)
    spec = Parameter("spec", type=JSONType, default='{"a": 1}')
    data = IncludeFile("data", help="A CSV")
    computed = Parameter("computed", default=lambda ctx: 4)

    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass
"""


def fields():
    analysis = analyze_source(FORM_FLOW, "form_flow.py")
    flow = analysis.flow("FormFlow")
    assert flow is not None
    return {f.name: f for f in form_fields(flow)}


def test_fields_are_typed_from_the_source() -> None:
    by_name = fields()
    assert [(f.name, f.kind) for f in by_name.values()] == [
        ("count", "integer"),
        ("rate", "number"),
        ("who", "string"),
        ("flag", "boolean"),
        ("spec", "json"),
        ("data", "file"),
        ("computed", "string"),  # Metaflow types a callable default as str
    ]
    assert by_name["count"].to_json()["default"] == 3
    assert by_name["count"].help == "How many"
    assert by_name["who"].required
    # An expression default is shown as text and leaves the field blank ("flow default").
    computed = by_name["computed"].to_json()
    assert computed["default"] is None and "lambda" in computed["default_text"]


def test_every_bad_field_gets_its_own_message(tmp_path: Path) -> None:
    values = {
        "count": "3.5",
        "rate": "fast",
        "flag": "maybe",
        "spec": '{"a": 1,',
        "data": "missing.csv",
        "typo": 1,
    }
    result = validate(list(fields().values()), values, tmp_path)
    assert not result.ok
    assert result.errors["count"] == "expected a whole number, got '3.5'"
    assert result.errors["rate"] == "expected a number, got 'fast'"
    assert result.errors["flag"] == "expected true or false, got 'maybe'"
    assert result.errors["spec"].startswith("not valid JSON: ")
    assert "line 1" in result.errors["spec"]
    assert result.errors["data"] == f"no file at {tmp_path / 'missing.csv'}"
    assert result.errors["who"] == "required: the flow has no default for it"
    assert result.errors["typo"] == "the flow has no parameter 'typo'"


def test_good_values_become_arguments_and_blanks_keep_defaults(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("a,b\n")
    values = {
        "count": 7,
        "rate": "0.25",
        "who": "ana",
        "flag": True,
        "spec": {"b": [1]},
        "data": "d.csv",
        "computed": "",
    }
    result = validate(list(fields().values()), values, tmp_path)
    assert result.ok, result.errors
    assert result.run_args == [
        "--count",
        "7",
        "--rate",
        "0.25",
        "--who",
        "ana",
        "--flag",
        "True",
        "--spec",
        '{"b": [1]}',
        "--data",
        str(tmp_path / "d.csv"),
    ]


def test_run_request_problems_are_reported_together() -> None:
    with pytest.raises(LaunchError) as caught:
        run_argv(
            "python",
            RunRequest(
                DEMO_FLOW,
                values={"epochs": "x"},
                max_workers=0,
                with_specs=["retry:times"],
                target="kubernetes cpu=2",
            ),
            list(fields().values()),
        )
    errors = caught.value.errors
    assert set(errors) == {"epochs", "who", "max_workers", "with", "target"}
    assert "key=value" in errors["with"]


def test_decospec_refuses_values_metaflow_would_split() -> None:
    assert decospec("kubernetes", {"cpu": 2, "memory": 4096, "image": ""}) == (
        "kubernetes:cpu=2,memory=4096"
    )
    with pytest.raises(ValueError, match="cannot contain commas"):
        decospec("kubernetes", {"image": "a,b"})


@pytest.mark.slow
def test_the_built_command_runs_the_flow_with_the_form_values(tmp_path: Path) -> None:
    flow_file = tmp_path / "training_flow.py"
    shutil.copy(DEMO_FLOW, flow_file)
    flow = analyze_source(flow_file.read_text(), str(flow_file)).flow("TrainingFlow")
    assert flow is not None
    request = RunRequest(
        flow_file,
        values={"epochs": "1", "learning_rates": "0.05,0.1"},
        tags=["from-form"],
        max_workers=2,
        with_specs=["retry:times=0"],
    )
    argv = run_argv(sys.executable, request, form_fields(flow))
    argv += ["--run-id-file", "run.id"]
    (tmp_path / ".metaflow").mkdir()
    done = subprocess.run(
        argv, cwd=tmp_path, env=metaflow_env(tmp_path), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    run_id = (tmp_path / "run.id").read_text().strip()
    seen = client_json(
        tmp_path,
        f"""
        r = Run('TrainingFlow/{run_id}')
        result = {{'tags': sorted(r.tags), 'epochs': r.data.epochs,
                  'grid': r['start'].task.data.grid, 'ok': r.successful}}
        """,
    )
    assert seen["ok"] and seen["epochs"] == 1 and seen["grid"] == [0.05, 0.1]
    assert "from-form" in seen["tags"]
