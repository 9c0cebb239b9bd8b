// The model every page shows, chosen in the header (listed when there is more than one model).
import { useModel } from "../lib/model-context";

export function ModelSwitcher() {
  const { name, models, choose } = useModel();
  if (models.length < 2 || name === null) return null;
  const known = models.some((model) => model.name === name);
  return (
    <label className="flex items-center gap-2 text-xs text-slate-400">
      Model
      <select
        aria-label="Model"
        value={name}
        onChange={(event) => choose(event.target.value)}
        className="rounded-md bg-slate-900 px-2 py-1 text-sm text-slate-100 ring-1 ring-slate-700 focus:outline-none focus:ring-2 focus:ring-sky-500"
      >
        {!known && <option value={name}>{name} (not served)</option>}
        {models.map((model) => (
          <option key={model.name} value={model.name}>
            {model.name}
            {model.kind === "external" ? " (external)" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
