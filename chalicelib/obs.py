"""Observability: the Powertools logger and metrics every module shares."""
from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

# Service name and namespace come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE.
# Log ids only, never e-mails, comments or names (PRODUCT.md: no personal data in logs).
logger = Logger()
metrics = Metrics()
