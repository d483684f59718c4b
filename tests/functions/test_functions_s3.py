"""Packages in S3: export, load in a fresh process, tampering refused (a real moto server)."""

from __future__ import annotations

import json
from typing import Any

import predict_fn
import pytest
from conftest import BOUND, Exported, S3Server, map_in_fresh_process
from metaflow import JsonFunction, function_from_json
from metaflow_extensions.studio.toplevel.functions import PackageError, PackageIntegrityError


def _keys(s3: S3Server, prefix: str) -> list[str]:
    listed = s3.client().list_objects_v2(Bucket=s3.bucket, Prefix=prefix + "/")
    return sorted(o["Key"][len(prefix) + 1 :] for o in listed.get("Contents", []))


@pytest.fixture
def s3_ref(s3: S3Server, train_task: Any, request: pytest.FixtureRequest) -> tuple[str, str]:
    """predict exported to s3://functions/<test name>; (reference, prefix)."""
    prefix = f"predict/{request.node.name}"
    fn = JsonFunction(predict_fn.predict, task=train_task, artifacts=BOUND)
    return fn.export(f"s3://{s3.bucket}/{prefix}"), prefix


def test_functions_s3_export_has_every_file_and_the_folder_hash(
    s3: S3Server, s3_ref: tuple[str, str], exported: Exported
) -> None:
    ref, prefix = s3_ref
    package = json.loads(ref)["package"]
    assert package["url"] == f"s3://{s3.bucket}/{prefix}"
    # The same bound function has the same content hash wherever it is exported.
    assert package["sha256"] == json.loads(exported.predict_ref)["package"]["sha256"]
    local = sorted(p.relative_to(exported.folder).as_posix() for p in exported.folder.rglob("*"))
    assert _keys(s3, prefix) == [p for p in local if "." in p.rsplit("/", 1)[-1]]


def test_functions_s3_loaded_in_a_fresh_process_predicts_as_in_process(
    s3: S3Server, s3_ref: tuple[str, str], exported: Exported
) -> None:
    assert map_in_fresh_process(s3_ref[0], exported.records) == exported.in_process


def test_functions_s3_tampered_object_is_refused(s3: S3Server, s3_ref: tuple[str, str]) -> None:
    ref, prefix = s3_ref
    key = f"{prefix}/code/iris_features.py"
    body = s3.client().get_object(Bucket=s3.bucket, Key=key)["Body"].read()
    s3.client().put_object(Bucket=s3.bucket, Key=key, Body=body + b"\nprint('owned')\n")
    with pytest.raises(PackageIntegrityError) as info:
        function_from_json(ref)
    assert info.value.path == "code/iris_features.py"
    assert f"package s3://{s3.bucket}/{prefix} was modified" in str(info.value)


def test_functions_s3_added_or_missing_object_is_refused(
    s3: S3Server, s3_ref: tuple[str, str]
) -> None:
    ref, prefix = s3_ref
    client = s3.client()
    client.put_object(Bucket=s3.bucket, Key=f"{prefix}/code/sitecustomize.py", Body=b"x = 1\n")
    with pytest.raises(PackageIntegrityError, match=r"'code/sitecustomize\.py' is not in its"):
        function_from_json(ref)
    client.delete_object(Bucket=s3.bucket, Key=f"{prefix}/code/sitecustomize.py")
    client.delete_object(Bucket=s3.bucket, Key=f"{prefix}/artifacts/model.pickle")
    with pytest.raises(PackageError, match=r"file 'artifacts/model\.pickle' is missing"):
        function_from_json(ref)


def test_functions_s3_reexport_replaces_an_older_package(s3: S3Server, train_task: Any) -> None:
    url = f"s3://{s3.bucket}/reexport"
    JsonFunction(predict_fn.predict, task=train_task, artifacts=BOUND).export(url)
    ref = JsonFunction(predict_fn.echo, task=train_task, artifacts=[]).export(url)
    assert "artifacts/model.pickle" not in _keys(s3, "reexport")  # stale files removed
    with function_from_json(ref) as fn:
        assert fn({"a": 1}) == {"a": 1}


def test_functions_s3_errors_name_the_bucket_and_the_endpoint(
    s3: S3Server, s3_ref: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = json.loads(s3_ref[0])
    ref["package"]["url"] = "s3://no-such-bucket/predict"
    with pytest.raises(PackageError, match="bucket 'no-such-bucket' does not exist"):
        function_from_json(json.dumps(ref))
    # METAFLOW_S3_ENDPOINT_URL wins over AWS_ENDPOINT_URL; a dead endpoint is named.
    monkeypatch.setenv("METAFLOW_S3_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with pytest.raises(PackageError, match="cannot reach S3"):
        function_from_json(s3_ref[0])
