"""Scenario studies: sweeps of scenarios (serial or on Dask), the cost-carbon frontier and sensitivities."""
