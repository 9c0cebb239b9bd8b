// "What moved": the segments of the latest window whose share of traffic changed the most.
import { Card } from "../../components/card";
import { formatPercent } from "../../lib/format";
import type { DriftReport } from "../../lib/types";

type Segment = DriftReport["segments"][number];

function Shares({ segment }: { segment: Segment }) {
  const grew = segment.current_share > segment.reference_share;
  return (
    <span className="tabular-nums text-slate-300">
      {formatPercent(segment.reference_share, 0)} →{" "}
      <span className={grew ? "text-red-300" : "text-sky-300"}>
        {formatPercent(segment.current_share, 0)}
      </span>
    </span>
  );
}

/** Shown only when the window drifted and some segment moved beyond chance. */
export function WhatMoved({ segments }: { segments: Segment[] }) {
  if (segments.length === 0) return null;
  return (
    <Card
      title="What moved"
      subtitle="The segments whose share of traffic changed the most (each bin of each feature, tested against the reference and corrected for testing them all at once), largest contribution to drift first."
    >
      <ol className="space-y-2 text-sm">
        {segments.map((segment) => (
          <li
            key={`${segment.feature}:${segment.segment}`}
            className="flex flex-wrap items-baseline justify-between gap-2 rounded-lg px-3 py-2 ring-1 ring-slate-800"
          >
            <span className="min-w-0">
              <span className="font-medium text-slate-100">{segment.feature}</span>{" "}
              <span className="text-slate-400">
                {segment.categorical || segment.segment === "(missing)" ? "= " : ""}
                {segment.segment}
              </span>
            </span>
            <span className="text-xs text-slate-500">
              <Shares segment={segment} /> of traffic · PSI share {segment.contribution.toFixed(3)}
            </span>
          </li>
        ))}
      </ol>
    </Card>
  );
}
