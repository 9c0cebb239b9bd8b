// CSV in, scored CSV out: shown only when the server offers the model's batch route
// (POST /api/v1/predict/batch for the default model, /api/v1/models/{name}/predict/batch else).
import { type FormEvent, useEffect, useState } from "react";
import { Card } from "../../components/card";
import { parseErrorBody } from "../../lib/api";
import { findOperation, useOpenApi } from "../../lib/openapi";

export const BATCH_PATH = "/api/v1/predict/batch";

/** `/api/v1/models/flights/predict/batch` as the OpenAPI document writes it: `/api/v1/models/{name}/…`. */
export function templateOf(path: string): string {
  return path.replace(
    /^\/api\/v1\/models\/[^/]+\/predict\/batch$/,
    "/api/v1/models/{name}/predict/batch",
  );
}

/** The multipart field that carries the file, as the OpenAPI document names it ("file" if unsaid). */
export function uploadFieldName(operation: Record<string, unknown> | null): string {
  const content = (
    operation?.requestBody as
      | { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }
      | undefined
  )?.content;
  const properties = content?.["multipart/form-data"]?.schema?.properties;
  return properties ? (Object.keys(properties)[0] ?? "file") : "file";
}

export function BatchUpload({
  path = BATCH_PATH,
  noun = "transaction",
}: {
  path?: string;
  noun?: string;
}) {
  const operation = findOperation(useOpenApi(), "post", templateOf(path));
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [download, setDownload] = useState<{ url: string; name: string } | null>(null);

  useEffect(
    () => () => {
      if (download) URL.revokeObjectURL(download.url);
    },
    [download],
  );

  if (!operation) return null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setDownload(null);
    const body = new FormData();
    body.append(uploadFieldName(operation), file);
    const headers: Record<string, string> = { Accept: "text/csv" };
    try {
      const response = await fetch(path, { method: "POST", body, headers });
      if (!response.ok)
        throw parseErrorBody(response.status, response.statusText, await response.text());
      const blob = await response.blob();
      setDownload({
        url: URL.createObjectURL(blob),
        name: file.name.replace(/\.csv$/i, "") + "-scored.csv",
      });
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title="Score a CSV file"
      subtitle={`One ${noun} per row, a header with the feature names above. The scored file adds the probability and decision to each row.`}
    >
      <form onSubmit={submit} className="flex flex-wrap items-center gap-3">
        <input
          type="file"
          accept=".csv,text/csv"
          aria-label="CSV file"
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          className="text-sm text-slate-300 file:mr-3 file:rounded-md file:border-0 file:bg-slate-800 file:px-3 file:py-1.5 file:text-sm file:text-slate-100"
        />
        <button
          type="submit"
          disabled={!file || busy}
          className="rounded-md bg-sky-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-500 disabled:opacity-40"
        >
          {busy ? "Scoring…" : "Upload and score"}
        </button>
        {download && (
          <a
            href={download.url}
            download={download.name}
            className="text-sm text-sky-300 underline"
          >
            Download {download.name}
          </a>
        )}
      </form>
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-300">
          {error}
        </p>
      )}
    </Card>
  );
}
