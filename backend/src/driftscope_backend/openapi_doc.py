"""Print the app's OpenAPI document as JSON, without a server or a database (for type generation).

Usage: python -m driftscope_backend.openapi_doc [OUTPUT]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from driftscope.settings import Settings
from driftscope_backend.app import create_app


def _static_settings(data_dir: Path) -> Settings:
    """Settings from defaults only: the document must not depend on who generates it."""
    for name in [n for n in os.environ if n.startswith("DRIFTSCOPE_") or n == "DATABASE_URL"]:
        del os.environ[name]  # this process only exists to print the document
    return Settings(data_dir=data_dir)


def document() -> dict[str, Any]:
    """The document /openapi.json serves; building it runs no lifespan and opens no database."""
    with tempfile.TemporaryDirectory() as data_dir:
        return create_app(_static_settings(Path(data_dir))).openapi()


def main(argv: list[str]) -> None:
    text = json.dumps(document(), indent=2, ensure_ascii=False) + "\n"
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
