// The most drifted features of the latest window, as on the Drift page but only the top few.
import { SeverityBadge } from "../../components/badge";
import { Card } from "../../components/card";
import { CardLink } from "../../components/card-link";
import { EmptyState } from "../../components/empty-state";
import { FeaturePsiBar } from "../../components/feature-psi-bar";
import { psiScaleMax } from "../../components/psi-bar";
import { formatClock, humanize } from "../../lib/format";
import { Link } from "../../lib/router";
import { severityOf } from "../../lib/severity";
import type { DriftReport } from "../../lib/types";
import { sortFeatures } from "../drift/sort-features";

const SHOWN = 6;

export function DriftGlance({ drift, missing }: { drift?: DriftReport; missing: boolean }) {
  const features = drift ? sortFeatures(Object.values(drift.features)) : [];
  const scaleMax = psiScaleMax(features);
  return (
    <Card
      title="Feature drift, latest window"
      subtitle={
        drift
          ? `Window ending ${formatClock(drift.window_end)}, ${drift.n.toLocaleString("en-US")} transactions. Bar = PSI vs. training; ticks = warn (amber) and alert (red) thresholds.`
          : "PSI of each feature vs. the training data."
      }
      actions={<CardLink to="/drift">all features</CardLink>}
    >
      {missing && <EmptyState title="No drift report yet — is the worker running?" compact />}
      {drift && features.length === 0 && <EmptyState title="The report has no features" compact />}
      <ul className="space-y-2">
        {features.slice(0, SHOWN).map((feature) => (
          <li key={feature.name}>
            <Link
              to={`/drift?feature=${encodeURIComponent(feature.name)}`}
              className="grid grid-cols-[minmax(0,11rem)_1fr_auto] items-center gap-3 rounded-md px-1 py-0.5 hover:bg-slate-800/50"
            >
              <span className="truncate text-sm text-slate-200">{humanize(feature.name)}</span>
              <FeaturePsiBar feature={feature} scaleMax={scaleMax} />
              <SeverityBadge severity={severityOf(feature)} />
            </Link>
          </li>
        ))}
      </ul>
    </Card>
  );
}
