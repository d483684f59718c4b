from runs_fixture import QueryRuns


def test_runs_exist(query_runs: QueryRuns) -> None:
    flow_dir = query_runs.metaflow_dir / "QueryFlow"
    assert (flow_dir / query_runs.ok_run.split("/")[1] / "end").is_dir()
    assert (flow_dir / query_runs.failed_run.split("/")[1] / "work").is_dir()
