// What the Predict page needs of the chosen model: its feature contract, classes and routes —
// today's /api/v1/schema and /api/v1/predict for the default model, /api/v1/models/{name}/… else.
import { useMemo } from "react";
import type { ApiError } from "../../lib/api";
import { useModel } from "../../lib/model-context";
import type { FeatureContract, ModelSchema } from "../../lib/types";
import { useApi } from "../../lib/use-api";
import { FRAUD_CLASSES } from "./prediction-result";

export interface PredictModel {
  contract: FeatureContract | undefined;
  /** The two class names, the positive first. */
  classes: [string, string];
  predictPath: string;
  batchPath: string;
  /** `?explain=true` is offered: per-feature contributions (the default model's route) or
   * a text model's tokens. */
  explainable: boolean;
  /** The model reads one text (its form is a textarea, its rows are messages). */
  textual: boolean;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** A model spec as the form's contract: each feature's own example prefills it. */
export function contractOf(spec: ModelSchema): FeatureContract {
  return {
    model_name: spec.name,
    label: spec.target,
    description: spec.description,
    features: spec.features,
    example: {},
  };
}

export function usePredictModel(): PredictModel {
  const { name, isDefault } = useModel();
  const other = isDefault || name === null ? null : name;
  const base = other === null ? null : `/api/v1/models/${encodeURIComponent(other)}`;
  const defaults = useApi<FeatureContract>(base === null ? "/api/v1/schema" : null);
  const spec = useApi<ModelSchema>(base === null ? null : `${base}/schema`);
  const contract = useMemo(() => spec.data && contractOf(spec.data), [spec.data]);
  const textual = spec.data?.features.some((feature) => feature.type === "text") ?? false;
  if (base === null) {
    return {
      ...defaults,
      contract: defaults.data,
      classes: FRAUD_CLASSES,
      predictPath: "/api/v1/predict",
      batchPath: "/api/v1/predict/batch",
      explainable: true,
      textual: false,
    };
  }
  return {
    ...spec,
    contract,
    classes: spec.data?.classes ?? FRAUD_CLASSES,
    predictPath: `${base}/predict`,
    batchPath: `${base}/predict/batch`,
    explainable: textual,
    textual,
  };
}
