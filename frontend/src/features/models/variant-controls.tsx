// Canary (share of traffic, gated) and shadow (scores every request off the path) controls:
// shown only when /openapi.json lists PUT /api/v1/models/canary and /shadow.
import { useState } from "react";
import { ActionButton } from "../../components/action-button";
import { useAdminAction } from "../../components/admin-action";
import { Badge, type Tone } from "../../components/badge";
import { Card } from "../../components/card";
import { api } from "../../lib/api";
import { findOperation, useOpenApi } from "../../lib/openapi";
import type { AliasChange, ModelsResponse } from "../../lib/types";
import { CanaryControls } from "./canary-controls";
import {
  CANARY_PATH,
  SHADOW_PATH,
  VariantSection,
  VersionRow,
  type VariantControlsProps,
} from "./variant-parts";

const ALIAS_TONES: Record<string, Tone> = {
  production: "good",
  canary: "warn",
  shadow: "neutral",
  candidate: "info",
};
const ALIAS_TITLES: Record<string, string> = {
  production: "Answers online traffic",
  canary: "Answers this share of online traffic (sticky per transaction id, API key or IP)",
  shadow: "Scores every online transaction too; logged, never returned",
  candidate: "Proposed next production version (e.g. trained by automatic retraining)",
  previous: "Production before the last promotion: the rollback target",
};

export function AliasBadge({ alias, percent }: { alias: string; percent: number | null }) {
  return (
    <Badge tone={ALIAS_TONES[alias] ?? "info"} title={ALIAS_TITLES[alias]}>
      {alias}
      {percent !== null ? ` ${percent}%` : ""}
    </Badge>
  );
}

export function useVariantActions() {
  const doc = useOpenApi();
  return {
    canCanary: findOperation(doc, "put", CANARY_PATH) !== null,
    canShadow: findOperation(doc, "put", SHADOW_PATH) !== null,
  };
}

function ShadowControls({ models, versions, onDone }: VariantControlsProps) {
  const current = models.shadow ?? null;
  const [version, setVersion] = useState<number | "">(current?.version ?? versions[0] ?? "");
  const { busy, feedback, run } = useAdminAction();
  const setShadow = () =>
    run(() => api.put<AliasChange>(SHADOW_PATH, { version }, true), {
      success: `v${version} now scores in shadow.`,
      onSuccess: onDone,
    });
  const turnOff = () =>
    run(() => api.delete<AliasChange>(SHADOW_PATH, true), {
      success: "Shadow scoring off.",
      onSuccess: onDone,
    });
  return (
    <VariantSection
      name="Shadow"
      summary={
        current
          ? `v${current.version} scores every online transaction off the request path: ${current.scored.toLocaleString()} logged, ${current.dropped.toLocaleString()} dropped under load.`
          : "No shadow model."
      }
      feedback={feedback}
    >
      {versions.length > 0 && (
        <VersionRow
          label="Shadow version"
          versions={versions}
          value={version}
          onChange={setVersion}
        >
          <ActionButton tone="solid" disabled={busy || version === ""} onClick={setShadow}>
            Set shadow
          </ActionButton>
          {current && (
            <ActionButton tone="outline" disabled={busy} onClick={turnOff}>
              Turn shadow off
            </ActionButton>
          )}
        </VersionRow>
      )}
    </VariantSection>
  );
}

export function VariantsPanel({ models, onDone }: { models: ModelsResponse; onDone: () => void }) {
  const serving = models.serving?.version ?? null;
  const others = models.versions
    .map((v) => v.version)
    .filter((v) => v !== serving)
    .sort((a, b) => b - a);
  return (
    <Card
      title="Canary and shadow"
      subtitle="Try a version on live traffic before promoting it: a canary answers a share of requests (gated like a promotion); a shadow scores every request without answering."
    >
      <div className="space-y-5">
        <CanaryControls
          key={`canary-${models.canary?.version ?? "none"}`}
          models={models}
          versions={others}
          onDone={onDone}
        />
        <ShadowControls
          key={`shadow-${models.shadow?.version ?? "none"}`}
          models={models}
          versions={others.filter((v) => v !== models.canary?.version)}
          onDone={onDone}
        />
      </div>
    </Card>
  );
}
