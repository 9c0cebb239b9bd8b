"""Write the app's OpenAPI document as JSON, without a server or a database (for type generation).

Usage: python -m driftscope_backend.openapi_doc [OUTPUT]   (default: standard output)
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


def document(settings: Settings) -> dict[str, Any]:
    """The document /openapi.json serves; building it runs no lifespan and opens no database."""
    return create_app(settings).openapi()


def main(argv: list[str]) -> None:
    # Defaults only: the committed document must not depend on who generated it, and this
    # process exists only to print it.
    for name in [n for n in os.environ if n.startswith("DRIFTSCOPE_") or n == "DATABASE_URL"]:
        del os.environ[name]
    with tempfile.TemporaryDirectory() as data_dir:
        text = json.dumps(document(Settings(data_dir=Path(data_dir))), indent=2) + "\n"
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
