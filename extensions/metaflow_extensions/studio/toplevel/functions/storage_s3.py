"""A package in S3: ``s3://bucket/prefix`` holds the package's files under ``prefix/``.

The endpoint comes from ``METAFLOW_S3_ENDPOINT_URL`` (Metaflow's own setting), else
``AWS_ENDPOINT_URL`` (S3-compatible stores, a local moto server), else AWS; credentials and
region from boto3's usual chain (environment, ~/.aws, instance role). boto3 is imported when
an S3 store is first used (it comes with Metaflow). Integrity is checked by the package
layer, exactly as for a folder: S3 is not trusted any more than a folder is.
"""

from __future__ import annotations

import os
from typing import Any

from .errors import PackageError

__all__ = ["S3Store", "s3_client"]


def s3_client() -> Any:
    """A boto3 S3 client for the configured endpoint."""
    try:
        import boto3
    except ImportError:  # pragma: no cover - boto3 is a Metaflow dependency
        raise PackageError("s3:// packages need boto3: pip install boto3") from None
    endpoint = os.environ.get("METAFLOW_S3_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL")
    return boto3.client("s3", endpoint_url=endpoint or None)


class S3Store:
    """The files of one package under ``s3://bucket/prefix/``."""

    def __init__(self, bucket: str, prefix: str, client: Any = None) -> None:
        if not bucket:
            raise PackageError("s3 URLs name a bucket: s3://bucket/prefix")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.url = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = s3_client()
        return self._client

    def _key(self, rel: str) -> str:
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def write(self, files: dict[str, bytes]) -> None:
        """Upload every file, the manifest last; then delete files of an older export that
        the new one lacks (a reader would otherwise refuse them as added files)."""
        stale = set(self.list()) - set(files)
        ordered = sorted(files, key=lambda rel: rel == "manifest.json")
        for rel in ordered:
            self._call(
                "write",
                rel,
                self.client.put_object,
                Bucket=self.bucket,
                Key=self._key(rel),
                Body=files[rel],
            )
        for rel in sorted(stale):
            self._call(
                "delete", rel, self.client.delete_object, Bucket=self.bucket, Key=self._key(rel)
            )

    def read(self, path: str) -> bytes:
        reply = self._call(
            "read", path, self.client.get_object, Bucket=self.bucket, Key=self._key(path)
        )
        data: bytes = reply["Body"].read()
        return data

    def list(self) -> list[str]:
        base = f"{self.prefix}/" if self.prefix else ""
        paginator = self.client.get_paginator("list_objects_v2")
        names: list[str] = []
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=base):
                names.extend(obj["Key"][len(base) :] for obj in page.get("Contents", []))
        except Exception as exc:
            raise self._error("list", "", exc) from None
        return sorted(names)

    def local_dir(self) -> None:
        return None

    def _call(self, action: str, rel: str, method: Any, **kwargs: Any) -> Any:
        try:
            return method(**kwargs)
        except Exception as exc:
            raise self._error(action, rel, exc) from None

    def _error(self, action: str, rel: str, exc: Exception) -> PackageError:
        code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
        where = f"package {self.url}" + (f": file '{rel}'" if rel else "")
        if code in ("NoSuchKey", "404"):
            return PackageError(f"{where} is missing; re-export the function")
        if code == "NoSuchBucket":
            return PackageError(f"package {self.url}: bucket '{self.bucket}' does not exist")
        if code in ("AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
            return PackageError(
                f"{where}: S3 refused to {action} it ({code}); check the credentials "
                "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE)"
            )
        name = type(exc).__name__
        if name in ("NoCredentialsError", "PartialCredentialsError"):
            return PackageError(
                f"{where}: no AWS credentials to {action} it; set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)"
            )
        if name == "EndpointConnectionError":
            return PackageError(
                f"{where}: cannot reach S3 ({exc}); check METAFLOW_S3_ENDPOINT_URL or "
                "AWS_ENDPOINT_URL"
            )
        return PackageError(f"{where}: cannot {action} it: {name}: {exc}")
