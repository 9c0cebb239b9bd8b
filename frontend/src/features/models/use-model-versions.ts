// The chosen model's versions and aliases: GET /api/v1/models for the default model (with its
// gate, canary, shadow and retraining), GET /api/v1/models/{name} for any other.
import { useMemo } from "react";
import { useModel } from "../../lib/model-context";
import type { ModelDetail, ModelVersions, ModelsResponse } from "../../lib/types";
import { type ApiState, useApi, type UseApiOptions } from "../../lib/use-api";

export function versionsOf(name: string, detail: ModelDetail): ModelVersions {
  const production = detail.aliases.find((alias) => alias.alias === "production");
  return {
    model_name: name,
    serving: production ? { version: production.version, alias: production.alias } : null,
    versions: detail.versions,
    aliases: detail.aliases,
  };
}

export interface ModelVersionsState extends ApiState<ModelVersions> {
  /** The default model's full answer (lifecycle controls are offered for it only). */
  full: ModelsResponse | undefined;
}

export function useModelVersions(options: UseApiOptions = {}): ModelVersionsState {
  const { name, isDefault } = useModel();
  const other = isDefault || name === null ? null : name;
  const defaults = useApi<ModelsResponse>(other === null ? "/api/v1/models" : null, options);
  const detail = useApi<ModelDetail>(
    other === null ? null : `/api/v1/models/${encodeURIComponent(other)}`,
    options,
  );
  const adapted = useMemo(
    () => (other !== null && detail.data ? versionsOf(other, detail.data) : undefined),
    [other, detail.data],
  );
  if (other === null) return { ...defaults, full: defaults.data };
  return { ...detail, data: adapted, full: undefined };
}
