"""The bare FastAPI hello-world that /predict is measured against: one route, no middleware,
served by uvicorn with exactly the options of `driftscope serve` (UVICORN_OPTIONS).

    python bench/harness/hello_app.py --port 8001
"""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI

from driftscope_backend.cli import UVICORN_OPTIONS

app = FastAPI()


@app.get("/")
async def hello() -> dict[str, str]:
    return {"message": "Hello World"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="info", **UVICORN_OPTIONS)


if __name__ == "__main__":
    main()
