// "What moved": the segments of the latest window whose share of traffic changed the most,
// and, when its performance was judged bad, the segments its extra errors come from.
import { Card } from "../../components/card";
import type { DriftReport } from "../../lib/types";

type Segment = DriftReport["segments"][number];
type ErrorSegment = NonNullable<DriftReport["error_segments"]>[number];

export const SEGMENTS_SHOWN = 3;

function Line({ text, detail }: { text: string; detail: string }) {
  return (
    <li className="flex flex-wrap items-baseline justify-between gap-2 rounded-lg px-3 py-2 ring-1 ring-slate-800">
      <span className="min-w-0 text-slate-100">{text}</span>
      <span className="text-xs tabular-nums text-slate-500">{detail}</span>
    </li>
  );
}

/** Shown only when the window drifted and some segment moved beyond chance, or its
 * performance was judged bad and some segment holds errors beyond training's. */
export function WhatMoved({
  segments,
  errorSegments = [],
}: {
  segments: Segment[];
  errorSegments?: ErrorSegment[];
}) {
  if (segments.length === 0 && errorSegments.length === 0) return null;
  return (
    <Card
      title="What moved"
      subtitle="Each bin of each feature, each band of the score and rules hit or not, tested against the reference and corrected for testing them all at once; largest contribution first."
    >
      {segments.length > 0 && (
        <ol aria-label="Share of traffic" className="space-y-2 text-sm">
          {segments.slice(0, SEGMENTS_SHOWN).map((segment) => (
            <Line
              key={`${segment.feature}:${segment.segment}`}
              text={segment.description}
              detail={`PSI share ${segment.contribution.toFixed(3)}`}
            />
          ))}
        </ol>
      )}
      {errorSegments.length > 0 && (
        <>
          <h3 className="mb-2 mt-4 text-xs font-medium uppercase tracking-wide text-slate-400">
            Where the errors are
          </h3>
          <ol aria-label="Errors beyond training" className="space-y-2 text-sm">
            {errorSegments.slice(0, SEGMENTS_SHOWN).map((segment) => (
              <Line
                key={`${segment.feature}:${segment.segment}`}
                text={segment.description}
                detail={`+${segment.excess_errors.toFixed(0)} errors · q ${segment.q_value.toPrecision(2)}`}
              />
            ))}
          </ol>
        </>
      )}
    </Card>
  );
}
