"""Candidate tasks on the demo's real runs (a succeeded and a failed TrainingFlow run),
read through the query layer without unpickling anything or writing to the datastore."""

from __future__ import annotations

from conftest import DemoWorkspace
from datastore_snapshot import snapshot
from mfstudio.functions_deploy import candidate_tasks
from mfstudio.query import open_backend


def test_deploy_tasks_offer_the_tasks_that_have_what_the_function_reads(
    demo: DemoWorkspace,
) -> None:
    before = snapshot(demo.root / ".metaflow")
    found = candidate_tasks(["model"], open_backend(demo.root))
    assert snapshot(demo.root / ".metaflow") == before
    # The newest task of the succeeded run that has `model` is its end task.
    assert found.suggested == demo.succeeded_end
    tasks = {t.pathspec: t for t in found.tasks}
    assert all(not t.missing for t in found.tasks)
    ends = [t for t in found.tasks if t.step == "end"]
    assert [t.pathspec for t in ends] == [demo.succeeded_end]  # the failed run never ended
    # Steps without the artifact (start) are not offered; the failed run's trained models are.
    assert "start" not in {t.step for t in found.tasks}
    failed = [t for t in found.tasks if f"{t.flow}/{t.run}" == demo.failed_run]
    assert failed and {t.step for t in failed} == {"train"}
    assert {t.run_status for t in failed} == {"failed"}
    # Newest first.
    finished = [t.finished_at for t in found.tasks]
    assert all(f is not None for f in finished)
    assert finished == sorted(finished, reverse=True)  # type: ignore[type-var]
    assert tasks[demo.succeeded_end].to_json()["run_status"] == "succeeded"


def test_deploy_tasks_name_what_each_task_lacks(demo: DemoWorkspace) -> None:
    found = candidate_tasks(["model", "scaler"], open_backend(demo.root))
    assert found.tasks and all(t.missing == ["scaler"] for t in found.tasks)
    assert found.suggested is None  # no task has everything
    nothing = candidate_tasks(["no_such_artifact"], open_backend(demo.root))
    assert nothing.tasks == [] and nothing.suggested is None


def test_deploy_tasks_with_dynamic_reads_offer_end_tasks(demo: DemoWorkspace) -> None:
    found = candidate_tasks(None, open_backend(demo.root))
    assert [t.pathspec for t in found.tasks] == [demo.succeeded_end]
    assert found.suggested == demo.succeeded_end
    assert found.to_json()["tasks"][0]["missing"] == []
