"""The naive way to serve the same model: what a first FastAPI + pandas tutorial would write.

pydantic-free `dict` body → one-row pandas DataFrame → XGBoost `predict` on a DMatrix →
calibrate → one ORM INSERT + COMMIT per request into SQLite. Used by bench/naive_vs_ours.py
as the baseline; it serves the model that `driftscope train` wrote (same trees, same output).

Run: DATA_DIR=var uvicorn naive_app:app (the bench starts it with the same uvicorn options as
`driftscope serve`).
"""

from __future__ import annotations

import math
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
import xgboost as xgb
from fastapi import FastAPI
from sqlalchemy import JSON, Float, String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from driftscope.contract import FRAUD_CONTRACT

DATA_DIR = Path(os.environ["DATA_DIR"])
MODEL_DIR = max((DATA_DIR / "models" / "fraud").iterdir(), key=lambda p: p.name)
MANIFEST = orjson.loads((MODEL_DIR / "manifest.json").read_bytes())
BOOSTER = xgb.Booster(model_file=str(MODEL_DIR / MANIFEST["model_file"]))
A, B = MANIFEST["calibration"]["a"], MANIFEST["calibration"]["b"]


class Base(DeclarativeBase):
    pass


class Logged(Base):
    __tablename__ = "naive_predictions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ts: Mapped[str] = mapped_column(String(40))
    features: Mapped[dict[str, Any]] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)


ENGINE = create_engine(f"sqlite:///{DATA_DIR / 'naive.db'}")
Base.metadata.create_all(ENGINE)
app = FastAPI()


@app.post("/predict")
def predict(transaction: dict[str, Any]) -> dict[str, Any]:
    frame = pd.DataFrame([transaction])
    matrix = FRAUD_CONTRACT.encode_columns(frame)
    dmatrix = xgb.DMatrix(matrix, feature_names=BOOSTER.feature_names)
    margin = float(BOOSTER.predict(dmatrix, output_margin=True)[0])
    probability = 1.0 / (1.0 + math.exp(-(A * margin + B)))
    prediction_id = str(uuid.uuid4())
    row = Logged(
        id=prediction_id,
        ts=datetime.now(UTC).isoformat(),
        features=transaction,
        score=probability,
    )
    with Session(ENGINE) as session:
        session.add(row)
        session.commit()
    return {"prediction_id": prediction_id, "fraud_probability": probability}
