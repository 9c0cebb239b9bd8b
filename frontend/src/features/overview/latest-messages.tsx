// A text model's newest messages as it answered them: decision, probability, how it decided,
// and the true label once one arrived. Shown only for a model that reads a text.
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { EmptyState, Loading } from "../../components/empty-state";
import { ErrorBanner } from "../../components/error-banner";
import { formatPercent, formatRelative } from "../../lib/format";
import { useModel, useModelApi } from "../../lib/model-context";
import type { ModelSchema, RecentPrediction, RecentPredictions } from "../../lib/types";
import { useApi } from "../../lib/use-api";
import { useNow } from "../../lib/use-now";

export const LATEST_MESSAGES = 8;

function LabelBadge({ item }: { item: RecentPrediction }) {
  if (item.label === null) return <span className="text-xs text-slate-500">no label yet</span>;
  const right = item.label === item.decision;
  return (
    <Badge
      tone={right ? "good" : "warn"}
      title={right ? "The true label agrees" : "The true label disagrees"}
    >
      {right ? "✓" : "✗"} label {item.label}
    </Badge>
  );
}

function Message({ item, positive }: { item: RecentPrediction; positive: string }) {
  const now = useNow();
  return (
    <li className="rounded-lg bg-slate-950/50 p-2.5 ring-1 ring-slate-800">
      <div className="flex flex-wrap items-center gap-2 text-xs">
        <Badge tone={item.decision === positive ? "bad" : "good"}>{item.decision ?? "—"}</Badge>
        <span className="tabular-nums text-slate-300" title={`probability of ${positive}`}>
          {formatPercent(item.probability, 1)}
        </span>
        {item.path === "rules" && <Badge tone="info">rule</Badge>}
        <LabelBadge item={item} />
        <span className="ml-auto text-slate-500">{formatRelative(item.ts, now)}</span>
      </div>
      <p
        className="mt-1.5 line-clamp-2 break-words text-sm text-slate-300"
        title={item.text?.slice(0, 500) ?? undefined}
      >
        {item.text}
      </p>
    </li>
  );
}

export function LatestMessages() {
  const { name } = useModel();
  const schema = useApi<ModelSchema>(
    name === null ? null : `/api/v1/models/${encodeURIComponent(name)}/schema`,
  );
  const textual = schema.data?.features.some((feature) => feature.type === "text") ?? false;
  const recent = useModelApi<RecentPredictions>(
    textual ? `/api/v1/predictions/recent?limit=${LATEST_MESSAGES}` : null,
    { refreshOn: ["drift"], pollMs: 10_000 },
  );
  if (!textual || !schema.data) return null;
  const positive = schema.data.classes[0];
  const messages = recent.data?.predictions ?? [];
  return (
    <Card
      title="Latest messages"
      subtitle={`The newest messages ${name} scored, as it answered them: its decision and probability of ${positive}, a rule badge when a rule decided, and the true label once it arrives.`}
    >
      {recent.loading && <Loading />}
      {recent.error && <ErrorBanner error={recent.error} onRetry={recent.reload} />}
      {recent.data && messages.length === 0 && (
        <EmptyState title="No messages scored yet" compact>
          Messages appear here as soon as {name} scores them.
        </EmptyState>
      )}
      <ul className="space-y-2" aria-label="Latest messages">
        {messages.map((item) => (
          <Message key={item.prediction_id} item={item} positive={positive} />
        ))}
      </ul>
    </Card>
  );
}
