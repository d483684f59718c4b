"""What is read from the source: docstrings, decorators, parameters, ranges."""

from __future__ import annotations

from mfstudio.flowgraph import analyze_source

from .corpus import CORPUS


def test_docstrings_with_markup_come_through_verbatim() -> None:
    path = CORPUS / "valid" / "docstring_html_flow.py"
    flow = analyze_source(path.read_text(), str(path)).flow()
    assert flow is not None
    assert flow.steps["start"].doc == (
        'Hello <script>alert("x")</script> and <img src=x onerror="alert(1)"> & \'quotes\'.'
    )
    assert flow.doc == "Flow with <b>markup</b> in its docstring."


def test_parameters_configs_and_include_files() -> None:
    path = CORPUS / "valid" / "params_flow.py"
    flow = analyze_source(path.read_text(), str(path)).flow()
    assert flow is not None
    params = {p.name: p for p in flow.parameters}
    assert list(params) == ["alpha", "epochs", "run-name", "settings", "data"]
    assert (params["alpha"].type, params["alpha"].default, params["alpha"].help) == (
        "float", 0.5, "Learning rate")
    assert (params["epochs"].type, params["epochs"].default) == ("int", 3)
    assert params["run-name"].required and params["run-name"].attribute == "name_"
    assert params["settings"].kind == "config" and params["settings"].default == {"a": 1}
    assert params["settings"].type == "json" and params["data"].type == "file"
    assert params["data"].kind == "include_file" and params["data"].default == "data.csv"
    assert params["alpha"].range.start.line == 5


def test_decorators_are_innermost_first_with_metaflow_defaults() -> None:
    path = CORPUS / "valid" / "decorators_flow.py"
    flow = analyze_source(path.read_text(), str(path)).flow()
    assert flow is not None
    decos = flow.steps["heavy"].decorators
    assert [d.name for d in decos] == ["environment", "timeout", "resources", "catch"]
    assert decos[1].attributes == {"seconds": 0, "minutes": 5, "hours": 0}
    assert decos[2].attributes["memory"] == 2048 and decos[2].attributes["disk"] == "None"
    assert (decos[3].range.start.line, decos[3].range.start.column) == (11, 4)  # @catch


def test_flow_decorators_and_non_literal_arguments() -> None:
    source = (
        "from metaflow import FlowSpec, project, retry, step\n"
        "N = 2\n"
        "@project(name='x')\n"
        "class F(FlowSpec):\n"
        "    @retry(times=N + 1)\n"
        "    @step\n"
        "    def start(self):\n"
        "        self.next(self.end)\n"
        "    @step\n"
        "    def end(self):\n"
        "        pass\n"
    )
    flow = analyze_source(source).flow()
    assert flow is not None
    assert flow.decorators[0].name == "project"
    assert flow.decorators[0].attributes["name"] == "x"
    assert flow.steps["start"].decorators[0].attributes["times"] == "N + 1"


def test_ranges_for_navigation_and_rename() -> None:
    source = (
        "from metaflow import FlowSpec, step\n"
        "class Café(FlowSpec):\n"
        "    @step\n"
        "    def start(self):\n"
        "        x = 'é'; self.next(self.end)\n"
        "    @step\n"
        "    def end(self):\n"
        "        pass\n"
    )
    analysis = analyze_source(source)
    flow = analysis.flow()
    assert flow is not None
    start = flow.steps["start"]
    assert (start.range.start.line, start.range.start.column) == (3, 4)
    assert (start.name_range.start.column, start.name_range.end.column) == (8, 13)
    (t,) = start.transitions
    assert t.target == "end"
    # columns are characters, not UTF-8 bytes: 'é' is one column
    line = source.splitlines()[4]
    assert line[t.range.start.column : t.range.end.column] == "end"
    assert (flow.name_range.start.column, flow.name_range.end.column) == (6, 10)


def test_switch_case_keys_read_like_output_raw() -> None:
    path = CORPUS / "valid" / "switch_flow.py"
    flow = analyze_source(path.read_text(), str(path)).flow()
    assert flow is not None
    start = flow.steps["start"]
    assert start.type == "split-switch" and start.condition == "mode"
    assert start.switch_cases == {"fast": "fast", "slow": "slow", "3": "other"}
