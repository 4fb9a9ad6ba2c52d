"""Charter's benchmarks: `make bench` (or `python bench/run.py`). Never touches developer data."""
