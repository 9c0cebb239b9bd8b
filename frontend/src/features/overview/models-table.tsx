// Every model at a glance (GET /api/v1/overview); a row click shows that model on every page.
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { CELL_EDGE, DataTable, HeaderCell } from "../../components/data-table";
import { formatInteger, formatMetric, formatPercent, formatRate } from "../../lib/format";
import { useModel } from "../../lib/model-context";
import type { ModelGlance } from "../../lib/types";

function F1Cell({ model }: { model: ModelGlance }) {
  const drop = model.f1 !== null && model.training_f1 !== null && model.f1 < model.training_f1;
  return (
    <td
      className={`py-2 text-right tabular-nums ${CELL_EDGE.last}`}
      title="Realised on labelled predictions of the latest window / on the test split at training"
    >
      <span className={drop ? "text-amber-300" : "text-slate-100"}>{formatMetric(model.f1)}</span>
      <span className="text-slate-500"> / {formatMetric(model.training_f1)}</span>
    </td>
  );
}

function ModelRow({ model, chosen }: { model: ModelGlance; chosen: boolean }) {
  const { choose } = useModel();
  const drifted = model.drift_share !== null && model.drift_share > 0;
  return (
    <tr
      data-model={model.name}
      data-chosen={chosen || undefined}
      onClick={() => choose(model.name)}
      className={`cursor-pointer border-b border-slate-800/60 last:border-0 hover:bg-slate-800/40 ${chosen ? "bg-sky-500/10" : ""}`}
    >
      <td className={`py-2 font-medium ${CELL_EDGE.first}`}>
        <button
          type="button"
          onClick={(event) => {
            event.stopPropagation();
            choose(model.name);
          }}
          className="text-sky-300 hover:underline"
          aria-current={chosen ? "true" : undefined}
          title={`Show model ${model.name} on every page`}
        >
          {model.name}
        </button>
      </td>
      <td className={`py-2 ${CELL_EDGE.inner}`}>
        <Badge tone={model.kind === "external" ? "info" : "neutral"}>{model.kind}</Badge>
      </td>
      <td className={`py-2 text-right tabular-nums ${CELL_EDGE.inner}`}>
        v{model.production_version}
      </td>
      <td className={`py-2 text-right tabular-nums ${CELL_EDGE.inner}`}>{formatRate(model.rps)}</td>
      <td
        className={`py-2 text-right tabular-nums ${CELL_EDGE.inner} ${drifted ? "text-amber-300" : ""}`}
      >
        {formatPercent(model.drift_share, 0)}
      </td>
      <td
        className={`py-2 text-right tabular-nums ${CELL_EDGE.inner} ${model.open_alerts > 0 ? "text-red-300" : ""}`}
      >
        {formatInteger(model.open_alerts)}
      </td>
      <F1Cell model={model} />
    </tr>
  );
}

export function ModelsTable({ models, chosen }: { models: ModelGlance[]; chosen: string | null }) {
  return (
    <Card
      title="Models"
      subtitle="Every model with a production version. Click one to show it on every page; the link keeps it (?model=)."
    >
      <DataTable
        minWidth="min-w-[640px]"
        head={
          <>
            <HeaderCell edge="first">Model</HeaderCell>
            <HeaderCell title="served: scored here; external: served elsewhere, predictions logged">
              Kind
            </HeaderCell>
            <HeaderCell numeric>Production</HeaderCell>
            <HeaderCell numeric title="Predictions a second over the last minute">
              Traffic
            </HeaderCell>
            <HeaderCell numeric title="Share of features drifted in the latest window">
              Drift
            </HeaderCell>
            <HeaderCell numeric>Open alerts</HeaderCell>
            <HeaderCell edge="last" numeric title="Realised F1 of the latest window / at training">
              F1 live / training
            </HeaderCell>
          </>
        }
      >
        {models.map((model) => (
          <ModelRow key={model.name} model={model} chosen={model.name === chosen} />
        ))}
      </DataTable>
    </Card>
  );
}
