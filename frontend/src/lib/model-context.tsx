// The model the dashboard shows: `?model=NAME` in the URL, else the backend's default model.
import { createContext, type ReactNode, useCallback, useContext, useMemo } from "react";
import { MODEL_PARAM, navigate, useLocation } from "./router";
import type { ModelGlance, ModelSchema, Overview } from "./types";
import { type ApiState, useApi, type UseApiOptions } from "./use-api";

export interface ModelContextValue {
  /** The chosen model's name; null while the default is not known yet and none is in the URL. */
  name: string | null;
  defaultModel: string | null;
  /** The default model is shown: pages use today's default-model routes (no `?model=`). */
  isDefault: boolean;
  /** Every model with a production version (GET /api/v1/overview), the default first. */
  models: ModelGlance[];
  overview: ApiState<Overview> | null;
  /** Show another model: the URL gets `?model=NAME` (none for the default model). */
  choose: (name: string) => void;
}

/** What pages see without a provider (component tests): the default model, nothing to choose. */
export const DEFAULT_MODEL: ModelContextValue = {
  name: null,
  defaultModel: null,
  isDefault: true,
  models: [],
  overview: null,
  choose: () => undefined,
};

const ModelContext = createContext<ModelContextValue>(DEFAULT_MODEL);

/** The URL of the current page showing model `name` (no parameter for the default model). */
export function hrefForModel(name: string, defaultModel: string | null): string {
  const params = new URLSearchParams(window.location.search);
  if (name === defaultModel) params.delete(MODEL_PARAM);
  else params.set(MODEL_PARAM, name);
  const query = params.toString();
  return `${window.location.pathname}${query ? `?${query}` : ""}`;
}

export function ModelProvider({ children }: { children: ReactNode }) {
  const overview = useApi<Overview>("/api/v1/overview", { refreshOn: ["model"], pollMs: 15_000 });
  const chosen = useLocation().search.get(MODEL_PARAM);
  const defaultModel = overview.data?.default_model ?? null;
  const choose = useCallback(
    (name: string) => navigate(hrefForModel(name, defaultModel)),
    [defaultModel],
  );
  const value = useMemo<ModelContextValue>(
    () => ({
      name: chosen ?? defaultModel,
      defaultModel,
      isDefault: chosen === null || chosen === defaultModel,
      models: overview.data?.models ?? [],
      overview,
      choose,
    }),
    [chosen, defaultModel, overview, choose],
  );
  return <ModelContext.Provider value={value}>{children}</ModelContext.Provider>;
}

export function useModel(): ModelContextValue {
  return useContext(ModelContext);
}

/**
 * A monitoring read path for the chosen model: `?model=NAME` added for any model but the
 * default, whose requests stay exactly as they were before there were several models.
 */
export function withModel(path: string, model: Pick<ModelContextValue, "name" | "isDefault">) {
  if (model.isDefault || model.name === null) return path;
  const separator = path.includes("?") ? "&" : "?";
  return `${path}${separator}${MODEL_PARAM}=${encodeURIComponent(model.name)}`;
}

/** `withModel` for the chosen model. */
export function useModelPath(path: string): string;
export function useModelPath(path: string | null): string | null;
export function useModelPath(path: string | null): string | null {
  const model = useModel();
  return path === null ? null : withModel(path, model);
}

/** `useApi` of a monitoring read path, for the chosen model. */
export function useModelApi<T>(path: string | null, options: UseApiOptions = {}): ApiState<T> {
  return useApi<T>(useModelPath(path), options);
}

/**
 * The chosen model's positive class (the first of its spec's `classes`, e.g. "fraud",
 * "delayed"), for wording like "Fraud rate". Until its schema is read: "fraud" for the
 * default model (the built-in demo's), "positive" for another.
 */
export function usePositiveClass(): string {
  const { name, isDefault } = useModel();
  const schema = useApi<ModelSchema>(
    name === null ? null : `/api/v1/models/${encodeURIComponent(name)}/schema`,
  );
  return schema.data?.classes[0] ?? (isDefault ? "fraud" : "positive");
}
