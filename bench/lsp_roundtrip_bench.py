"""Round trip of ``metaflow/flowGraph`` over real stdio, next to the in-process analysis.

Generates a 200-step linear flow (9 lines per step, ~1,800 lines), starts
``python -m mfstudio.lsp`` as a subprocess with pygls' ``LanguageClient`` and measures:

- in-process: cold ``analyze_source`` and ``FileAnalysis.to_json`` + ``json.dumps``;
- round trip of ``metaflow/flowGraph`` when the analysis is current (steady) and right
  after an edit inside one step (the request analyses the pending edit);
- the server's resident memory idle (no document), with the flow open, and after the
  first decorator completion (which imports Metaflow).

Prints numbers and ratios; asserts nothing. Run: ``.venv/bin/python bench/lsp_roundtrip_bench.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from lsprotocol.converters import get_converter
from mfstudio.flowgraph import IncrementalAnalyzer, analyze_source
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

EDITED_LINE = "        self.value_100 = 100"


def generate_flow(steps: int) -> str:
    names = ["start", *(f"step_{i:03d}" for i in range(1, steps - 1)), "end"]
    out = ["from metaflow import FlowSpec, Parameter, step", "", "", "class BigFlow(FlowSpec):"]
    out.append('    alpha = Parameter("alpha", default=1)')
    for index, name in enumerate(names):
        follow = names[index + 1] if index + 1 < len(names) else None
        out += ["", "    @step", f"    def {name}(self):", f'        """Step {index}."""']
        out += [f"        self.value_{index} = {index}", f"        total = self.alpha + {index}"]
        out += [f"        # step {index}: report the running total", "        print(total)"]
        out.append(f"        self.next(self.{follow})" if follow else "        pass")
    out += ["", "", 'if __name__ == "__main__":', "    BigFlow()", ""]
    return "\n".join(out)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def in_process(source: str, runs: int) -> tuple[list[float], list[float], list[float]]:
    """Cold analysis, payload serialisation, and edit-inside-a-step + payload (what the
    server does for a flowGraph request after an edit), all in this process."""
    analyze_source(source, "big_flow.py")  # warm imports and Metaflow's decorator catalog
    analysis_ms, payload_ms, edit_ms = [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        analysis = analyze_source(source, "big_flow.py")
        middle = time.perf_counter()
        json.dumps(analysis.to_json())
        analysis_ms.append((middle - start) * 1000)
        payload_ms.append((time.perf_counter() - middle) * 1000)
    analyzer = IncrementalAnalyzer("big_flow.py")
    analyzer.update(source)
    for run in range(runs):
        edited = source.replace(EDITED_LINE, EDITED_LINE + str(run % 10), 1)
        start = time.perf_counter()
        json.dumps(analyzer.update(edited).to_json())
        edit_ms.append((time.perf_counter() - start) * 1000)
    return analysis_ms, payload_ms, edit_ms


async def over_stdio(source: str, runs: int, workdir: Path) -> dict[str, Any]:
    client = LanguageClient("lsp-bench", "0", converter_factory=get_converter)
    notified: list[str] = []
    for method in (types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, "metaflow/flowGraphChanged"):
        client.feature(method)(lambda params, method=method: notified.append(method))
    env = {**os.environ, "USERNAME": "mfstudio-test", "MFSTUDIO_LSP_LOG_LEVEL": "WARNING"}
    env["METAFLOW_CLIENT_CACHE_PATH"] = str(workdir / "client-cache")
    await client.start_io(sys.executable, "-m", "mfstudio.lsp", env=env, cwd=str(workdir))
    assert client._server is not None
    pid = client._server.pid
    root = from_fs_path(str(workdir))
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=root)
    )
    client.initialized(types.InitializedParams())
    await asyncio.sleep(1.0)
    idle = rss_mb(pid)

    path = workdir / "big_flow.py"
    path.write_text(source, encoding="utf-8")
    uri = from_fs_path(str(path))
    assert uri is not None
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=source
            )
        )
    )

    async def graph() -> float:
        start = time.perf_counter()
        result = await client.protocol.send_request_async(
            "metaflow/flowGraph", {"uri": uri, "flow": None}
        )
        elapsed = (time.perf_counter() - start) * 1000
        assert len(result["steps"]) > 0
        return elapsed

    first = await graph()
    steady = [await graph() for _ in range(runs)]
    edited = []
    line = source.splitlines().index(EDITED_LINE)
    for version in range(2, runs + 2):
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=line, character=27),
                            end=types.Position(line=line, character=27),
                        ),
                        text=str(version % 10),
                    )
                ],
            )
        )
        edited.append(await graph())
    await asyncio.sleep(0.5)
    with_flow = rss_mb(pid)
    await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line - 3, character=4),
        )
    )
    after_completion = rss_mb(pid)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {
        "first": first,
        "steady": steady,
        "edited": edited,
        "rss_idle": idle,
        "rss_open": with_flow,
        "rss_completion": after_completion,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    source = generate_flow(args.steps)
    analysis_ms, payload_ms, edit_ms = in_process(source, max(args.runs // 3, 10))
    with tempfile.TemporaryDirectory(prefix="lsp-bench-") as tmp:
        stdio = asyncio.run(over_stdio(source, args.runs, Path(tmp)))

    a50 = statistics.median(analysis_ms)
    print(f"flow: {args.steps} steps, {source.count(chr(10))} lines; {args.runs} requests each")
    a95 = percentile(analysis_ms, 95)
    print(f"in-process analyze_source       p50 {a50:6.2f} ms  p95 {a95:6.2f} ms")
    e50 = statistics.median(edit_ms)
    print(f"in-process to_json+dumps        p50 {statistics.median(payload_ms):6.2f} ms")
    print(
        f"in-process edit+update+payload  p50 {e50:6.2f} ms  p95 {percentile(edit_ms, 95):6.2f} ms"
    )
    print(f"flowGraph first request         {stdio['first']:6.2f} ms")
    for label, key, base, base_name in (
        ("steady (analysis current)", "steady", a50, "cold analysis"),
        ("after an edit in one step", "edited", e50, "edit+update+payload"),
    ):
        samples = stdio[key]
        p50, p95 = statistics.median(samples), percentile(samples, 95)
        print(
            f"flowGraph round trip, {label}: p50 {p50:6.2f} ms  p95 {p95:6.2f} ms"
            f"  (target p95 <= 30 ms; p50 / in-process {base_name} p50 = {p50 / base:4.2f}x)"
        )
    print(
        f"server RSS: idle {stdio['rss_idle']:.0f} MB (target <= 150), with the flow open "
        f"{stdio['rss_open']:.0f} MB, after a decorator completion {stdio['rss_completion']:.0f} MB"
    )


if __name__ == "__main__":
    main()
