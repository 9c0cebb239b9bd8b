"""Shared pieces of the serving benchmarks: machine facts and CPU accounting, the servers under
test (ours and the bare hello-world baseline), and the load generators' wrappers."""
