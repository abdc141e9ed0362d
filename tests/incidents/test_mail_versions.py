"""Erasing a raw mail removes every version of it, past the 1,000 one listing call returns."""
from __future__ import annotations

import boto3
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends

from chalicelib.incidents import store

BUCKET = "inbound-mail"


def _versioned_bucket() -> object:
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return s3


def _versions(s3: object, key: str) -> int:
    listed = s3.get_paginator("list_object_versions").paginate(Bucket=BUCKET, Prefix=key)  # type: ignore[attr-defined]
    return sum(1 for page in listed for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
               if v["Key"] == key)


def test_delete_all_versions_more_than_1000_versions_leaves_none() -> None:
    with mock_aws():
        s3 = _versioned_bucket()
        backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
        for n in range(1_003):  # straight into moto's model: 1,003 API round trips would be slow
            backend.put_object(BUCKET, "inbound/m1", b"v%d" % n)
        s3.delete_object(Bucket=BUCKET, Key="inbound/m1")  # type: ignore[attr-defined]  # a delete marker too
        assert store.delete_all_versions(BUCKET, "inbound/m1") == 1_003
        assert _versions(s3, "inbound/m1") == 0


def test_delete_all_versions_keeps_other_keys_sharing_the_prefix() -> None:
    with mock_aws():
        s3 = _versioned_bucket()
        for key in ("inbound/m1", "inbound/m10", "inbound/m1/x"):
            s3.put_object(Bucket=BUCKET, Key=key, Body=b"x")  # type: ignore[attr-defined]
        assert store.delete_all_versions(BUCKET, "inbound/m1") == 1
        assert _versions(s3, "inbound/m1") == 0
        assert _versions(s3, "inbound/m10") == 1
        assert _versions(s3, "inbound/m1/x") == 1
