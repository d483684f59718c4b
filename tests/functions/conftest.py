"""A real TrainFlow run (scikit-learn on iris) shared by the Metaflow Functions tests.

The run is made once per session in a temporary folder; tests bind functions to its
``train`` task through Metaflow's own client. Environments built from packages are cached
under the user's functions home (~/.cache/metaflow-studio/functions), so only the first
session pays for the build.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "test-fixtures" / "functions"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

from runs_fixture import metaflow_env  # noqa: E402


@dataclass(frozen=True)
class TrainRun:
    root: Path  # holds .metaflow
    train_task: str  # "TrainFlow/<run>/train/<task>"


@pytest.fixture(scope="session")
def train_run(tmp_path_factory: pytest.TempPathFactory) -> TrainRun:
    root = tmp_path_factory.mktemp("train-run")
    flow = root / "train_flow.py"
    flow.write_bytes((FIXTURES / "train_flow.py").read_bytes())
    proc = subprocess.run(
        [sys.executable, str(flow), "--no-pylint", "run", "--run-id-file", "run.id"],
        cwd=root,
        env=metaflow_env(root),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"TrainFlow failed:\n{proc.stdout}\n{proc.stderr}")
    run_id = (root / "run.id").read_text().strip()
    task_ids = [p.name for p in (root / ".metaflow" / "TrainFlow" / run_id / "train").iterdir()]
    return TrainRun(root=root, train_task=f"TrainFlow/{run_id}/train/{task_ids[0]}")


@contextlib.contextmanager
def task_client(train_run: TrainRun) -> Iterator[Any]:
    """The ``train`` task through Metaflow's client, pointed at the run's folder."""
    import metaflow

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("METAFLOW_CLIENT_CACHE_PATH", str(train_run.root / ".client-cache"))
        patch.setenv("USERNAME", "tester")
        previous = metaflow.get_metadata()
        metaflow.metadata(f"local@{train_run.root}")
        metaflow.namespace(None)
        try:
            yield metaflow.Task(train_run.train_task)
        finally:
            metaflow.default_namespace()
            with contextlib.suppress(ValueError):  # there was no .metaflow to return to
                metaflow.metadata(previous)


@pytest.fixture
def train_task(train_run: TrainRun) -> Iterator[Any]:
    with task_client(train_run) as task:
        yield task


@dataclass(frozen=True)
class Exported:
    """predict_fn.predict and .noisy bound to the train task and exported to folders."""

    predict_ref: str
    noisy_ref: str
    folder: Path  # predict's package
    records: list[dict[str, float]]
    in_process: list[Any]  # predict(record) for each record, in the binding process


@pytest.fixture(scope="session")
def exported(train_run: TrainRun, tmp_path_factory: pytest.TempPathFactory) -> Exported:
    import predict_fn
    from metaflow import JsonFunction

    folder = tmp_path_factory.mktemp("exported")
    with task_client(train_run) as task:
        fn = JsonFunction(predict_fn.predict, task=task, artifacts=BOUND)
        names = task["feature_names"].data
        records = [dict(zip(names, row, strict=True)) for row in task["sample_rows"].data]
        in_process = [fn(r) for r in records]
        predict_ref = fn.export((folder / "predict").as_uri())
        noisy = JsonFunction(predict_fn.noisy, task=task, artifacts=[])
        noisy_ref = noisy.export((folder / "noisy").as_uri())
    return Exported(predict_ref, noisy_ref, folder / "predict", records, in_process)


BOUND = ["model", "feature_names", "class_names"]
IRIS_RECORD = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class S3Server:
    """A real S3 API (moto's server mode) in its own process on a loopback port."""

    endpoint: str
    bucket: str

    def client(self) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint)


S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # up to 60 s on a loaded machine
            if proc.poll() is not None:
                raise RuntimeError(f"moto server exited:\n{log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        with pytest.MonkeyPatch.context() as patch:
            for key, value in S3_ENV.items():
                patch.setenv(key, value)
            server = S3Server(endpoint, "functions")
            server.client().create_bucket(Bucket=server.bucket)
        yield server
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def s3(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    """The S3 server, with this test's environment pointing boto3 at it."""
    for key, value in S3_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server.endpoint)
    monkeypatch.delenv("METAFLOW_S3_ENDPOINT_URL", raising=False)
    return s3_server


@dataclass(frozen=True)
class ServeRefs:
    """References (exported to folders) of the functions the serving tests serve."""

    predict_batch: str
    batch_sizes: str
    slow: str
    noisy: str
    folder: Path


@pytest.fixture(scope="session")
def serve_refs(train_run: TrainRun, tmp_path_factory: pytest.TempPathFactory) -> ServeRefs:
    import predict_fn
    from metaflow import JsonFunction

    folder = tmp_path_factory.mktemp("serve-refs")
    refs = {}
    with task_client(train_run) as task:
        for name, bound in (
            ("predict_batch", BOUND),
            ("batch_sizes", []),
            ("slow", []),
            ("noisy", []),
        ):
            fn = JsonFunction(getattr(predict_fn, name), task=task, artifacts=bound)
            refs[name] = fn.export((folder / name).as_uri())
            (folder / f"{name}.ref.json").write_text(refs[name])
    return ServeRefs(folder=folder, **refs)


def post(url: str, **kwargs: Any) -> Any:
    """httpx2.post with a timeout for a loaded machine (its default is 5 s)."""
    import httpx2

    return httpx2.post(url, timeout=120, **kwargs)


def get(url: str, **kwargs: Any) -> Any:
    import httpx2

    return httpx2.get(url, timeout=120, **kwargs)


def wait_ready(base: str, proc: Any = None, log: Path | None = None) -> None:
    """Until ``base``/ready says 200 (a worker starts in seconds; the machine may be loaded)."""
    for _ in range(3000):
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"serve exited:\n{log.read_text() if log else ''}")
        if get(f"{base}/ready").status_code == 200:
            return
        time.sleep(0.1)
    raise RuntimeError(f"{base} never became ready")


class ServeProcess:
    """``mfstudio function serve`` (or ``metaflow function serve``) in its own process."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.log = cwd / f"serve-{free_port()}.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=out, cwd=cwd, text=True
            )
        assert self.proc.stdout is not None
        # "Serving function 'f' at http://h:p/route ..." (after Metaflow's banner, if any)
        line = self.proc.stdout.readline()
        while line and not line.startswith("Serving function"):
            line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(timeout=30)
            raise RuntimeError(f"serve did not start:\n{self.log.read_text()}")
        self.url = line.split(" at ", 1)[1].split()[0]  # the route's URL
        self.base = self.url.rsplit("/", 1)[0]

    def wait_ready(self) -> None:
        wait_ready(self.base, self.proc, self.log)

    def stop(self) -> int:
        self.proc.send_signal(2)  # Ctrl-C: uvicorn shuts down, the workers with it
        try:
            return self.proc.wait(timeout=60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


def serve_command(*args: str, tool: str = "mfstudio") -> list[str]:
    if tool == "metaflow":
        return [str(Path(sys.executable).parent / "metaflow"), "function", "serve", *args]
    return [sys.executable, "-m", "mfstudio.cli", "function", "serve", *args]


@pytest.fixture(scope="session")
def predict_server(serve_refs: ServeRefs) -> Iterator[ServeProcess]:
    """predict_batch served by ``mfstudio function serve`` (4 KiB body limit)."""
    ref_file = serve_refs.folder / "predict_batch.ref.json"
    server = ServeProcess(
        serve_command(str(ref_file), "--port", "0", "--max-body-bytes", "4096"),
        serve_refs.folder,
    )
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


_FRESH_CALLER = (
    "import json, sys\n"
    "from metaflow import function_from_json\n"
    "ref, records = sys.stdin.read().split('\\n', 1)\n"
    "with function_from_json(ref) as fn:\n"
    "    print(json.dumps(fn.map(json.loads(records))))\n"
)


def map_in_fresh_process(reference: str, records: list[Any]) -> list[Any]:
    """``function_from_json(reference).map(records)`` in a separate caller process (not the
    one that bound the function, without our PYTHONPATH, from /), as a user would load it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [sys.executable, "-c", _FRESH_CALLER],
        input=reference + "\n" + json.dumps(records),
        capture_output=True,
        text=True,
        env=env,
        cwd="/",
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    answer: list[Any] = json.loads(proc.stdout.splitlines()[-1])
    return answer
