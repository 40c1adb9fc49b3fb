"""Tests of the reference application (examples/app): API, contracts, migrations, replicas, `make run`."""
