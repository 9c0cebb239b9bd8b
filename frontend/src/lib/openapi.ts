// Optional features follow the server: a control shows only if /openapi.json lists its endpoint.
import { useEffect, useState } from "react";

interface OpenApiDocument {
  paths?: Record<string, Record<string, unknown>>;
}

let cached: Promise<OpenApiDocument | null> | null = null;

export function loadOpenApi(): Promise<OpenApiDocument | null> {
  cached ??= fetch("/openapi.json", { headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? (response.json() as Promise<OpenApiDocument>) : null))
    .catch(() => null);
  return cached;
}

/** For tests: forget the fetched document. */
export function resetOpenApiCache(): void {
  cached = null;
}

/** `/api/v1/models/{version}/promote` and `/api/v1/models/{v}/promote` are the same route. */
const normalise = (path: string) => path.replace(/\{[^}]+\}/g, "{}").replace(/\/+$/, "");

export function findOperation(
  doc: OpenApiDocument | null,
  method: string,
  path: string,
): Record<string, unknown> | null {
  if (!doc?.paths) return null;
  const wanted = normalise(path);
  for (const [candidate, operations] of Object.entries(doc.paths)) {
    if (normalise(candidate) !== wanted) continue;
    const operation = operations[method.toLowerCase()];
    if (operation && typeof operation === "object") return operation as Record<string, unknown>;
  }
  return null;
}

/** The OpenAPI document once loaded (null while loading or when unavailable). */
export function useOpenApi(): OpenApiDocument | null {
  const [doc, setDoc] = useState<OpenApiDocument | null>(null);
  useEffect(() => {
    let active = true;
    void loadOpenApi().then((loaded) => {
      if (active) setDoc(loaded);
    });
    return () => {
      active = false;
    };
  }, []);
  return doc;
}

export function useHasEndpoint(method: string, path: string): boolean {
  return findOperation(useOpenApi(), method, path) !== null;
}
