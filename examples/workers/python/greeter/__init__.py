"""An example Temporal worker (Python SDK) for the role temporalops.temporal.temporal_worker."""
