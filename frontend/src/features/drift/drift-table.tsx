// Per-feature drift of the latest window: PSI bar, test, statistic, p and q; click to inspect.
import { FeaturePsiBar } from "../../components/feature-psi-bar";
import { psiScaleMax } from "../../components/psi-bar";
import { SeverityBadge } from "../../components/badge";
import { DataTable, HeaderCell } from "../../components/data-table";
import { formatPValue, formatStat, humanize } from "../../lib/format";
import { severityOf } from "../../lib/severity";
import type { FeatureDrift } from "../../lib/types";
import { sortFeatures, testName, testStatistic } from "./sort-features";

interface DriftTableProps {
  features: FeatureDrift[];
  selected: string | null;
  onSelect: (name: string) => void;
}

export function DriftTable({ features, selected, onSelect }: DriftTableProps) {
  const rows = sortFeatures(features);
  const scaleMax = psiScaleMax(rows);
  return (
    <DataTable
      minWidth="min-w-[640px]"
      head={
        <>
          <HeaderCell edge="first">Feature</HeaderCell>
          <HeaderCell className="w-[32%]">PSI vs. thresholds</HeaderCell>
          <HeaderCell>Status</HeaderCell>
          <HeaderCell>Test</HeaderCell>
          <HeaderCell numeric title="KS D for numeric features, χ² for categorical ones">
            Statistic
          </HeaderCell>
          <HeaderCell
            edge="last"
            numeric
            title="q: the test's p-value adjusted for testing many features at once (Benjamini–Hochberg); raw p below"
          >
            q <span className="normal-case text-slate-500">(p)</span>
          </HeaderCell>
        </>
      }
    >
      {rows.map((feature) => {
        const isSelected = feature.name === selected;
        return (
          <tr
            key={feature.name}
            onClick={() => onSelect(feature.name)}
            onKeyDown={(event) => {
              if (event.key === "Enter" || event.key === " ") {
                event.preventDefault();
                onSelect(feature.name);
              }
            }}
            tabIndex={0}
            aria-selected={isSelected}
            data-feature={feature.name}
            className={`cursor-pointer border-b border-slate-800/70 outline-none transition-colors hover:bg-slate-800/50 focus-visible:bg-slate-800/70 ${isSelected ? "bg-sky-500/10" : ""}`}
          >
            <td className="whitespace-nowrap py-1.5 pl-4 pr-3 sm:pl-0">
              <div className="font-medium text-slate-100">{humanize(feature.name)}</div>
              <div className="text-xs text-slate-500">{feature.kind}</div>
            </td>
            <td className="px-3 py-2">
              <FeaturePsiBar feature={feature} scaleMax={scaleMax} />
            </td>
            <td className="px-3 py-2">
              <SeverityBadge severity={severityOf(feature)} />
            </td>
            <td className="px-3 py-2 text-slate-300">{testName(feature.test)}</td>
            <td className="px-3 py-2 text-right tabular-nums text-slate-300">
              {formatStat(testStatistic(feature))}
            </td>
            <td className="whitespace-nowrap py-1.5 pl-3 pr-4 text-right tabular-nums sm:pr-0">
              <div className="text-slate-200">{formatPValue(feature.q_value)}</div>
              <div className="text-xs text-slate-500">{formatPValue(feature.p_value)}</div>
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}
