"""One model's serving state, immutable: production, canary and share, shadow, how its requests
are validated and how its results are named. A swap replaces the whole object in the runtime's
name → state mapping, so a request that read it sees one consistent set (never a canary of
the next swap beside the production model of the last one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, TypeAdapter

from driftscope import registry
from driftscope.contract import FRAUD_CONTRACT, FeatureContract
from driftscope.db import ModelAlias
from driftscope.errors import ModelNotServedError, WrongModelKindError
from driftscope.serving.artifact import LoadedModel
from driftscope.spec import ModelSpec
from driftscope_backend.prediction.schemas import (
    ListBody,
    SingleBody,
    Transaction,
    body_adapters,
    texts_adapter,
    transaction_model,
)

FRAUD_CLASSES = ("fraud", "legit")


@dataclass(frozen=True, slots=True)
class Aliases:
    """What a model's aliases name: the versions (and canary share) a state is built from."""

    production: int | None = None
    canary: int | None = None
    canary_percent: float = 0.0
    shadow: int | None = None

    @classmethod
    def of(cls, rows: dict[str, ModelAlias]) -> Aliases:
        production, canary, shadow = (
            rows.get(a) for a in (registry.PRODUCTION, registry.CANARY, registry.SHADOW)
        )
        return cls(
            production.version if production else None,
            canary.version if canary else None,
            float(canary.traffic_percent or 0.0) if canary else 0.0,
            shadow.version if shadow else None,
        )


@dataclass(frozen=True, slots=True)
class RequestBody:
    """How one model's /predict body is validated: an item model and its two adapters."""

    item: type[BaseModel]
    single: TypeAdapter[Any]
    many: TypeAdapter[list[Any]]
    # A model of one text feature also takes `{"texts": [...]}` (answered with a list).
    texts: tuple[str, TypeAdapter[Any]] | None = None

    def items_of_texts(self, body: bytes) -> list[Any] | None:
        """The items of a `{"texts": [...]}` body, or None when the body is not of that form."""
        if self.texts is None or b'"texts"' not in body:
            return None
        feature, adapter = self.texts
        texts = adapter.validate_json(body).texts
        return [self.item.model_construct(**{feature: t, "transaction_id": None}) for t in texts]


FRAUD_BODY = RequestBody(Transaction, SingleBody, ListBody)


@lru_cache(maxsize=64)
def request_body(contract: FeatureContract) -> RequestBody:
    """Built once per contract (a swap to a version with the same spec reuses it)."""
    if contract == FRAUD_CONTRACT:
        return FRAUD_BODY
    item = transaction_model(contract)
    only = contract.features[0] if len(contract.features) == 1 else None
    if only is not None and only.kind == "text":
        return RequestBody(item, *body_adapters(item), (only.name, texts_adapter(only)))
    return RequestBody(item, *body_adapters(item))


@dataclass(frozen=True, slots=True)
class ModelState:
    name: str
    production: LoadedModel | None = None
    canary: LoadedModel | None = None
    canary_percent: float = 0.0
    shadow: LoadedModel | None = None
    external: bool = False  # served elsewhere (monitor-only): predictions come through /log
    error: str | None = None  # why production is not loaded (or not the newest version)
    spec: ModelSpec | None = None  # production's
    classes: tuple[str, str] = FRAUD_CLASSES  # positive first
    body: RequestBody = field(default=FRAUD_BODY)
    # Results also carry `fraud_probability`, as the fraud model's always did.
    legacy_fraud: bool = False
    aliases: Aliases = field(default=Aliases())  # what it was built from (unchanged: no swap)

    @property
    def version(self) -> int | None:
        return None if self.production is None else self.production.version

    def require(self) -> LoadedModel:
        """The production model, or why this model cannot be scored here."""
        if self.production is not None:
            return self.production
        if self.external:
            raise WrongModelKindError(self.name, external=True)
        raise ModelNotServedError(
            f"model '{self.name}' has no production version loaded "
            f"({self.error or 'run: driftscope train'})",
            {"model": self.name},
        )


def served_state(
    name: str,
    spec: ModelSpec | None,
    production: LoadedModel | None,
    *,
    canary: LoadedModel | None = None,
    canary_percent: float = 0.0,
    shadow: LoadedModel | None = None,
    error: str | None = None,
    aliases: Aliases | None = None,
) -> ModelState:
    """The state of a model served here; requests are validated by production's contract."""
    contract = production.contract if production is not None else None
    return ModelState(
        name,
        production,
        canary,
        canary_percent if canary is not None else 0.0,
        shadow,
        error=error,
        spec=spec,
        classes=FRAUD_CLASSES if spec is None else (spec.positive, spec.negative),
        body=FRAUD_BODY if contract is None else request_body(contract),
        legacy_fraud=name == FRAUD_CONTRACT.model_name,
        aliases=aliases or Aliases(),
    )


# How results of the built-in fraud model are named when no state is at hand (benchmarks,
# the CLI's score-csv): `fraud`/`legit`, with `fraud_probability`.
FRAUD_NAMING = ModelState(FRAUD_CONTRACT.model_name, legacy_fraud=True)
