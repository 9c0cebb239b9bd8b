"""Small C libraries compiled into a model's artifact directory (ctypes), shared by the kinds."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from driftscope.errors import ArtifactError


def compile_library(source: Path, out_path: Path, what: str) -> Path:
    """Compile `source` to the shared library `out_path`; raises ArtifactError without a C
    compiler or when it fails (the caller keeps its Python path)."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise ArtifactError(f"no C compiler found (cc/gcc): cannot build {what}")
    cmd = [compiler, "-O2", "-shared", "-fPIC", "-o", str(out_path), str(source), "-lm"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ArtifactError(f"compiling {what} failed: {result.stderr.strip()}")
    return out_path
