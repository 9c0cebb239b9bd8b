"""ModelSpec: a model's target, classes and input features as data (validated, JSON round trip)."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal

import orjson
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from driftscope.errors import InvalidSpecError

if TYPE_CHECKING:  # the contract is built from a spec: contract.py imports this module
    from driftscope.contract import FeatureContract

SpecKind = Literal["numeric", "integer", "categorical", "boolean", "text"]
MODEL_NAME = re.compile(r"[a-z][a-z0-9_-]{0,63}")
# Model names that are path segments of today's routes (/api/v1/models/rollback, ...).
RESERVED_NAMES = frozenset({"rollback", "canary", "shadow", "candidate", "versions", "overview"})
# Feature and target names become JSON keys, CSV headers and URL path segments.
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
CATEGORY_MAX_LENGTH = 128
CONTROL_CHARACTERS = r"[\x00-\x1f\x7f-\x9f]"
_CONTROL = re.compile(CONTROL_CHARACTERS)

Number = int | float  # int first: an integer bound stays 3, not 3.0, in the JSON
Example = bool | int | float | str | None
_FROZEN = ConfigDict(frozen=True, extra="forbid")


def check_category(value: str) -> str:
    """A category (or class) name: any non-empty string without control characters, ≤ 128."""
    if not value or len(value) > CATEGORY_MAX_LENGTH or _CONTROL.search(value):
        raise ValueError(
            f"{value[:40]!r} is not a valid category: it must be a non-empty string of at most "
            f"{CATEGORY_MAX_LENGTH} characters without control characters"
        )
    return value


def check_identifier(value: str) -> str:
    if not IDENTIFIER.fullmatch(value):
        raise ValueError(
            f"{value!r} is not an identifier (letters, digits and _, not starting with a digit, "
            "at most 64 characters)"
        )
    return value


def check_model_name(value: str) -> str:
    if not MODEL_NAME.fullmatch(value):
        raise ValueError(f"model name {value!r} does not match [a-z][a-z0-9_-]{{0,63}}")
    if value in RESERVED_NAMES:
        raise ValueError(f"model name {value!r} is reserved (a path of the models API)")
    return value


Identifier = Annotated[str, AfterValidator(check_identifier)]
Category = Annotated[str, AfterValidator(check_category)]
ModelName = Annotated[str, AfterValidator(check_model_name)]


class FeatureSpec(BaseModel):
    """One input feature. `type` repeats `kind` in the JSON for clients of /api/v1/schema."""

    model_config = _FROZEN

    name: Identifier
    kind: SpecKind
    description: str = ""
    unit: str | None = None
    minimum: Number | None = None
    maximum: Number | None = None
    categories: tuple[Category, ...] = ()
    open_categories: bool = False
    allow_missing: bool = False
    example: Example = None
    # minimum/maximum are the range training saw: values outside are scored, with a warning
    open_range: bool = False

    @model_validator(mode="before")
    @classmethod
    def _type_repeats_kind(cls, data: Any) -> Any:
        if isinstance(data, dict) and "type" in data:
            data = dict(data)
            published = data.pop("type")
            if data.setdefault("kind", published) != published:
                raise ValueError(f"type {published!r} differs from kind {data['kind']!r}")
        return data

    @model_validator(mode="after")
    def _consistent(self) -> FeatureSpec:
        for problem in (_range_problem(self), _categories_problem(self), _example_problem(self)):
            if problem:
                raise ValueError(f"feature {self.name!r}: {problem}")
        return self

    def to_dict(self) -> dict[str, Any]:
        """Every field (`open_range` only when set: specs written before it stay as they are)."""
        data = self.model_dump(mode="json", exclude={"open_range"} if not self.open_range else None)
        return {"name": data.pop("name"), "kind": self.kind, "type": data.pop("kind"), **data}


def _range_problem(feature: FeatureSpec) -> str | None:
    bounds = {"minimum": feature.minimum, "maximum": feature.maximum}
    given = {key: value for key, value in bounds.items() if value is not None}
    if feature.open_range and feature.kind not in ("numeric", "integer"):
        return "open_range only applies to numeric and integer features"
    if not given:
        return None
    if feature.kind not in ("numeric", "integer"):
        return f"{' and '.join(given)} only apply to numeric and integer features"
    if any(isinstance(v, bool) or not math.isfinite(v) for v in given.values()):
        return "minimum and maximum must be finite numbers"
    if feature.kind == "integer" and any(float(v) != int(v) for v in given.values()):
        return "an integer feature's minimum and maximum must be whole numbers"
    if len(given) == 2 and given["minimum"] > given["maximum"]:
        return f"minimum {given['minimum']} is greater than maximum {given['maximum']}"
    return None


def _categories_problem(feature: FeatureSpec) -> str | None:
    if feature.kind != "categorical":
        if feature.categories or feature.open_categories:
            return "categories and open_categories only apply to categorical features"
        return None
    if not feature.categories and not feature.open_categories:
        return "a categorical feature needs categories (or open_categories: true)"
    if len(set(feature.categories)) != len(feature.categories):
        return "categories must be distinct"
    return None


def _example_problem(feature: FeatureSpec) -> str | None:
    value = feature.example
    if value is None:
        return None
    if feature.kind == "boolean":
        return None if isinstance(value, bool) else f"example {value!r} is not true or false"
    if feature.kind in ("categorical", "text"):
        if not isinstance(value, str):
            return f"example {value!r} is not a string"
        if feature.kind == "categorical" and not feature.open_categories:
            return None if value in feature.categories else f"example {value!r} is not a category"
        return None
    return _number_problem(feature, value)


def _number_problem(feature: FeatureSpec, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return f"example {value!r} is not a number"
    if feature.kind == "integer" and float(value) != int(value):
        return f"example {value!r} is not a whole number"
    low, high = feature.minimum, feature.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        return f"example {value!r} is outside [{low}, {high}]"
    return None


class GateFloors(BaseModel):
    """Promotion gate floors of a model's test metrics (null: the settings' defaults)."""

    model_config = _FROZEN

    min_roc_auc: float | None = Field(default=None, ge=0, le=1)
    min_f1: float | None = Field(default=None, ge=0, le=1)


class MonitoringOverrides(BaseModel):
    """Per-model monitoring settings (null: the settings' defaults)."""

    model_config = _FROZEN

    window_s: float | None = Field(default=None, gt=0)
    psi_threshold: float | None = Field(default=None, gt=0)


class ModelSpec(BaseModel):
    """A model as data: name, target, the two classes (positive first) and its features."""

    model_config = _FROZEN

    name: ModelName
    description: str = ""
    target: Identifier
    classes: tuple[Category, Category]
    # The target's raw value of the positive class as `spec infer` reads it ("1" for classes
    # `late`/`not_late`), so training data maps to 1/0 unambiguously; written only when set.
    positive_value: Category | None = None
    features: tuple[FeatureSpec, ...] = Field(min_length=1)
    gate: GateFloors = GateFloors()
    monitoring: MonitoringOverrides = MonitoringOverrides()

    @field_validator("classes", mode="before")
    @classmethod
    def _two_classes(cls, value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) != 2:
            raise ValueError(f"classes must be two names, the positive first (not {len(value)})")
        return value

    @field_validator("classes")
    @classmethod
    def _classes(cls, value: tuple[str, str]) -> tuple[str, str]:
        if value[0] == value[1]:
            raise ValueError(f"the two classes must differ (both are {value[0]!r})")
        return value

    @model_validator(mode="after")
    def _positive_value_is_not_the_negative_class(self) -> ModelSpec:
        if self.positive_value == self.classes[1]:
            raise ValueError(f"positive_value {self.positive_value!r} is the negative class's name")
        return self

    @field_validator("gate", "monitoring", mode="before")
    @classmethod
    def _null_is_default(cls, value: Any) -> Any:
        return {} if value is None else value

    @model_validator(mode="after")
    def _features_distinct_from_each_other_and_the_target(self) -> ModelSpec:
        names = [f.name for f in self.features]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"duplicate feature name(s): {', '.join(repeated)}")
        if self.target in names:
            raise ValueError(f"feature {self.target!r} has the name of the target")
        return self

    @property
    def positive(self) -> str:
        return self.classes[0]

    @property
    def negative(self) -> str:
        return self.classes[1]

    @classmethod
    def from_dict(cls, data: Any) -> ModelSpec:
        """Validate a spec; refused with an InvalidSpecError naming each bad field."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise invalid_spec(exc) from None

    @classmethod
    def from_json(cls, text: str | bytes) -> ModelSpec:
        try:
            return cls.from_dict(orjson.loads(text))
        except orjson.JSONDecodeError as exc:
            raise InvalidSpecError(f"model spec is not valid JSON: {exc}") from None

    def to_dict(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["features"] = [f.to_dict() for f in self.features]
        if data["positive_value"] is None:  # the published shape without it stays as it was
            del data["positive_value"]
        return data

    def to_json(self) -> str:
        return orjson.dumps(self.to_dict(), option=orjson.OPT_INDENT_2).decode() + "\n"

    def contract(self) -> FeatureContract:
        from driftscope.contract import FeatureContract

        return FeatureContract.from_spec(self)


def invalid_spec(exc: ValidationError) -> InvalidSpecError:
    """One message naming every refused field (`features.2.minimum: ...`)."""
    problems = [
        {
            "field": ".".join(str(part) for part in error["loc"]) or "spec",
            "message": error["msg"].removeprefix("Value error, "),
        }
        for error in exc.errors()
    ]
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return InvalidSpecError(f"invalid model spec: {summary}", problems)
