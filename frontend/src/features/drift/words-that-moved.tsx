// Vocabulary drift of a text feature: the words whose share of messages moved most, and its test.
import {
  Bar,
  BarChart,
  Cell,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { Badge, SeverityBadge } from "../../components/badge";
import { Card } from "../../components/card";
import { CHART, SERIES } from "../../components/charts";
import { EmptyState } from "../../components/empty-state";
import {
  formatAxisPercent,
  formatInteger,
  formatPercent,
  formatPValue,
  formatStat,
} from "../../lib/format";
import { severityOf } from "../../lib/severity";
import type { DriftReport, FeatureDrift } from "../../lib/types";

type Vocabulary = NonNullable<FeatureDrift["vocabulary"]>;
type WordMove = Vocabulary["moved"][number];

/** Words drawn: the most moved of the reference's top words. */
export const SHOWN_WORDS = 12;

/** The report's features that carry vocabulary drift (only text models have any). */
export function vocabularyFeatures(report: DriftReport): FeatureDrift[] {
  return Object.values(report.features).filter((feature) => feature.vocabulary);
}

/** The text feature a `<text>.vocabulary` entry belongs to. */
function textFeature(name: string): string {
  return name.replace(/\.vocabulary$/, "");
}

/** Chart rows: the most moved words (the API sends them most moved first), largest at the top. */
export function movedRows(vocabulary: Vocabulary, limit = SHOWN_WORDS) {
  return vocabulary.moved
    .slice(0, limit)
    .filter((word) => word.reference_share !== null)
    .map((word) => ({
      token: word.token,
      difference: word.difference,
      reference: word.reference_share ?? 0,
      current: word.current_share,
    }));
}

type Row = ReturnType<typeof movedRows>[number];

function MovedTooltip({ active, payload }: { active?: boolean; payload?: { payload: Row }[] }) {
  const row = active ? payload?.[0]?.payload : undefined;
  if (!row) return null;
  return (
    <div style={CHART.tooltip.contentStyle} className="px-3 py-2 text-xs text-slate-300">
      <div className="font-medium text-slate-100">{row.token}</div>
      <div>
        in {formatPercent(row.reference)} of reference messages → {formatPercent(row.current)} of
        this window's
      </div>
    </div>
  );
}

function MovedChart({ feature, rows }: { feature: string; rows: Row[] }) {
  // a symmetric axis in steps of 5 points, so zero sits in the middle with round ticks
  const reach = Math.ceil(Math.max(0.01, ...rows.map((row) => Math.abs(row.difference))) * 20) / 20;
  return (
    <div
      className="h-80"
      role="img"
      aria-label={`Words of ${feature} whose share of messages moved most: reference vs latest window`}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 12, bottom: 4, left: 0 }}>
          <XAxis
            type="number"
            domain={[-reach, reach]}
            ticks={[-reach, -reach / 2, 0, reach / 2, reach]}
            tick={CHART.tick}
            stroke={CHART.axis}
            tickFormatter={formatAxisPercent}
          />
          <YAxis
            type="category"
            dataKey="token"
            width={96}
            interval={0}
            tick={{ ...CHART.tick, fontSize: 11 }}
            stroke={CHART.axis}
          />
          <ReferenceLine x={0} stroke={CHART.axis} />
          <Tooltip cursor={{ fill: "#1e293b88" }} content={<MovedTooltip />} />
          <Bar dataKey="difference" isAnimationActive={false} radius={2}>
            {rows.map((row) => (
              <Cell
                key={row.token}
                fill={row.difference >= 0 ? SERIES.current : SERIES.reference}
              />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function TestSummary({ feature, vocabulary }: { feature: FeatureDrift; vocabulary: Vocabulary }) {
  const corrected = vocabulary.dispersion > 1 ? ` (÷ ${formatStat(vocabulary.dispersion, 2)})` : "";
  return (
    <dl className="mt-3 grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
      <div title="χ² across the top words + other, divided by the reference's overdispersion">
        <dt className="text-xs text-slate-500">χ² · {vocabulary.dof} dof</dt>
        <dd className="tabular-nums text-slate-200">
          {formatStat(vocabulary.statistic, 1)}
          {corrected}
        </dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">p / q</dt>
        <dd className="tabular-nums text-slate-200">
          {formatPValue(vocabulary.p_value)} / {formatPValue(feature.q_value)}
        </dd>
      </div>
      <div title="The larger of the top words' mix PSI and the PSI over all cells">
        <dt className="text-xs text-slate-500">PSI (warn at)</dt>
        <dd className="tabular-nums text-slate-200">
          {formatStat(feature.psi)} ({formatStat(feature.warn_threshold)})
        </dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">Messages</dt>
        <dd className="tabular-nums text-slate-200">
          {formatInteger(feature.n_current)} vs {formatInteger(feature.n_reference)}
        </dd>
      </div>
    </dl>
  );
}

function NewWords({ words }: { words: WordMove[] }) {
  if (words.length === 0) return null;
  return (
    <div className="mt-3">
      <h3 className="text-xs text-slate-500">
        New common words (not in the reference's top words)
      </h3>
      <ul className="mt-1 flex flex-wrap gap-1.5" aria-label="New common words">
        {words.map((word) => (
          <li key={word.token}>
            <Badge tone="info" title={`in ${formatPercent(word.current_share)} of messages`}>
              {word.token} · {formatPercent(word.current_share, 0)}
            </Badge>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function WordsThatMoved({ feature }: { feature: FeatureDrift }) {
  const vocabulary = feature.vocabulary;
  if (!vocabulary) return null;
  const rows = movedRows(vocabulary);
  const text = textFeature(feature.name);
  return (
    <Card
      title={`Words that moved · ${text}`}
      subtitle="Share of messages containing each of the reference's most common words: bars right are more common in the latest window, left less. Tested with χ² across the top words + all other words."
      actions={<SeverityBadge severity={severityOf(feature)} />}
    >
      {rows.length === 0 || feature.n_current === 0 ? (
        <EmptyState title="No messages in this window yet" compact />
      ) : (
        <MovedChart feature={text} rows={rows} />
      )}
      <TestSummary feature={feature} vocabulary={vocabulary} />
      <NewWords words={vocabulary.new_words} />
    </Card>
  );
}
