"""Formats on HTTP: JSON by default, Avro with its schema derived from the types, and
user-registered serializers, chosen by Content-Type and Accept."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TypedDict

import fastavro
import pytest
from conftest import (
    IRIS_RECORD,
    Exported,
    ServeProcess,
    ServeRefs,
    get,
    post,
    serve_command,
    wait_ready,
)
from metaflow import function_from_json
from metaflow_extensions.studio.toplevel.functions import register_serializer
from metaflow_extensions.studio.toplevel.functions.avro_schema import avro_schema
from metaflow_extensions.studio.toplevel.functions.schema import schema_for
from metaflow_extensions.studio.toplevel.functions.serialization import (
    AVRO,
    JSON,
    SerializationError,
    accepted,
    registered,
)
from pydantic import BaseModel


class Reading(TypedDict, total=False):
    station: str
    value: float


class Node(BaseModel):
    name: str
    kind: Literal["leaf", "branch"]
    weight: float | None = None
    children: list[Node] = []


def test_functions_avro_schema_from_types() -> None:
    assert avro_schema(schema_for(Reading), "X") == {
        "type": "record",
        "name": "Reading",
        "fields": [
            {"name": "station", "type": ["null", "string"], "default": None},
            {"name": "value", "type": ["null", "double"], "default": None},
        ],
    }
    node = avro_schema(schema_for(Node), "X")
    fields = {f["name"]: f["type"] for f in node["fields"]}
    assert fields["kind"] == {"type": "enum", "name": "Node_kind", "symbols": ["leaf", "branch"]}
    assert fields["children"] == ["null", {"type": "array", "items": "Node"}]  # recursive, by name
    assert avro_schema(schema_for(dict[str, int]), "X") == {"type": "map", "values": "long"}
    fastavro.parse_schema(node)  # a valid Avro schema


def test_functions_avro_codec_round_trips_and_keeps_absent_fields_absent() -> None:
    codec = registered()[AVRO].codec(schema_for(Reading), "reading")
    assert codec.decode(codec.encode({"station": "north"})) == {"station": "north"}
    tree = {"name": "root", "kind": "branch", "children": [{"name": "a", "kind": "leaf"}]}
    node_codec = registered()[AVRO].codec(schema_for(Node), "node")
    assert node_codec.decode(node_codec.encode(tree)) == {
        "name": "root",
        "kind": "branch",
        "weight": None,  # Optional[float]: null is a valid value, so it stays
        # absent in the leaf, and null is not a list: dropped again, as it was sent
        "children": [{"name": "a", "kind": "leaf", "weight": None}],
    }
    with pytest.raises(SerializationError, match="is not an Avro datum of the input schema"):
        node_codec.decode(b"\xff\xff")
    with pytest.raises(SerializationError, match="does not fit its Avro schema"):
        node_codec.encode({"name": "x", "kind": "tree"})


def test_functions_accept_header_picks_the_answer_format() -> None:
    available = [JSON, AVRO]
    assert accepted(None, available) == JSON
    assert accepted("*/*", available) == JSON
    assert accepted("application/avro", available) == AVRO
    assert accepted("application/json;q=0.5, application/avro", available) == AVRO
    assert accepted("text/html, application/*;q=0.1", available) == JSON
    assert accepted("text/html", available) is None
    assert accepted("application/avro;q=0", available) is None


def _avro_schema(server: ServeProcess, kind: str) -> Any:
    doc = get(f"{server.base}/openapi.json").json()
    operation = doc["paths"]["/predict"]["post"]
    if kind == "request":
        return operation["requestBody"]["content"][AVRO]["x-avro-schema"]
    return operation["responses"]["200"]["content"][AVRO]["x-avro-schema"]


def test_functions_avro_over_http_predicts_as_in_process(
    predict_server: ServeProcess, exported: Exported
) -> None:
    request_schema = fastavro.parse_schema(_avro_schema(predict_server, "request"))
    response_schema = fastavro.parse_schema(_avro_schema(predict_server, "response"))
    for record, expected in zip(exported.records, exported.in_process, strict=True):
        body = io.BytesIO()
        fastavro.schemaless_writer(body, request_schema, record)
        response = post(
            predict_server.url,
            content=body.getvalue(),
            headers={"content-type": AVRO, "accept": AVRO},
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == AVRO
        answer = fastavro.schemaless_reader(io.BytesIO(response.content), response_schema, None)
        assert answer == expected
    # Avro in, JSON out (the default Accept).
    body = io.BytesIO()
    fastavro.schemaless_writer(body, request_schema, exported.records[0])
    response = post(predict_server.url, content=body.getvalue(), headers={"content-type": AVRO})
    assert response.json() == exported.in_process[0]
    # Bytes that are not a datum of the schema: 422, like bad JSON.
    response = post(predict_server.url, content=b"\x02", headers={"content-type": AVRO})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "decode_error"


def _csv_decode(data: bytes) -> dict[str, float]:
    names = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    return dict(zip(names, (float(v) for v in data.decode().split(",")), strict=True))


def _csv_encode(value: Any) -> bytes:
    return f"{value['prediction']},{value['label']}".encode()


@pytest.fixture
def csv_registered() -> Iterator[None]:
    before = registered()
    register_serializer("text/csv", _csv_encode, _csv_decode)
    yield
    import metaflow_extensions.studio.toplevel.functions.serialization as serialization

    serialization._REGISTRY.clear()
    serialization._REGISTRY.update(before)


def test_functions_registered_serializer_over_http(
    csv_registered: None, serve_refs: ServeRefs, exported: Exported
) -> None:
    with function_from_json(serve_refs.predict_batch, backend="fastapi") as server:
        base = server.start()
        wait_ready(base)
        csv = ",".join(str(exported.records[0][k]) for k in IRIS_RECORD).encode()
        response = post(
            f"{base}/predict",
            content=csv,
            headers={"content-type": "text/csv", "accept": "text/csv"},
        )
        expected = exported.in_process[0]
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        assert response.text == f"{expected['prediction']},{expected['label']}"
        # The user's decoder failing is the client's error, named with the format.
        response = post(f"{base}/predict", content=b"1,2", headers={"content-type": "text/csv"})
        assert response.status_code == 422
        assert response.json()["detail"][0]["msg"].startswith("text/csv: ValueError")
        doc = get(f"{base}/openapi.json").json()
        assert "text/csv" in doc["paths"]["/predict"]["post"]["requestBody"]["content"]
    with pytest.raises(ValueError, match="is not a media type"):
        register_serializer("csv", _csv_encode, _csv_decode)


def test_functions_serializers_module_on_the_command_line(
    serve_refs: ServeRefs, exported: Exported, tmp_path: Path
) -> None:
    (tmp_path / "csv_format.py").write_text(
        "from metaflow_extensions.studio.toplevel.functions import register_serializer\n"
        "register_serializer('text/csv', lambda v: str(v['prediction']).encode(),\n"
        "    lambda b: dict(zip(['sepal_length', 'sepal_width', 'petal_length',\n"
        "                        'petal_width'], map(float, b.decode().split(',')))))\n"
    )
    ref_file = str(serve_refs.folder / "predict_batch.ref.json")
    server = ServeProcess(
        serve_command(ref_file, "--port", "0", "--serializers", "csv_format"), tmp_path
    )
    try:
        server.wait_ready()
        csv = ",".join(str(exported.records[1][k]) for k in IRIS_RECORD).encode()
        response = post(
            server.url, content=csv, headers={"content-type": "text/csv", "accept": "text/csv"}
        )
        assert response.text == str(exported.in_process[1]["prediction"])
    finally:
        server.stop()
    missing = subprocess.run(
        [*serve_command(ref_file, "--serializers", "no_such_module")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert missing.returncode == 1
    assert "No module named 'no_such_module'" in missing.stderr
