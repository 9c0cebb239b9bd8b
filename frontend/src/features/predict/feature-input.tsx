// One input of the predict form, chosen by the feature's type, with its range and error.
import { humanize } from "../../lib/format";
import type { FeatureSpec } from "../../lib/types";
import type { FieldValue } from "./form-values";

interface FeatureInputProps {
  spec: FeatureSpec;
  value: FieldValue;
  error?: string;
  onChange: (value: FieldValue) => void;
}

const INPUT =
  "w-full rounded-md bg-slate-950 px-2.5 py-1.5 text-sm text-slate-100 ring-1 ring-slate-700 placeholder:text-slate-600 focus:outline-none focus:ring-2 focus:ring-sky-500 disabled:opacity-40";

function rangeHint(spec: FeatureSpec): string | null {
  if (spec.minimum === null && spec.maximum === null) return null;
  const unit = spec.unit && spec.unit !== "count" ? ` ${spec.unit}` : "";
  const seen = spec.open_range ? "seen in training: " : "";
  return `${seen}${spec.minimum?.toLocaleString("en-US") ?? "−∞"} – ${spec.maximum?.toLocaleString("en-US") ?? "∞"}${unit}`;
}

function Control({ spec, value, error, onChange }: FeatureInputProps) {
  const id = `feature-${spec.name}`;
  const common = {
    id,
    name: spec.name,
    disabled: value.missing,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": `${id}-help`,
    className: `${INPUT} ${error ? "ring-red-500/70" : ""}`,
  };
  if (spec.type === "boolean") {
    return (
      <label className="flex items-center gap-2 py-1.5 text-sm text-slate-200">
        <input
          {...common}
          className="h-4 w-4 accent-sky-500"
          type="checkbox"
          checked={value.raw === true}
          onChange={(event) => onChange({ ...value, raw: event.target.checked })}
        />
        {value.raw === true ? "Yes" : "No"}
      </label>
    );
  }
  if (spec.type === "text") {
    return (
      <textarea
        {...common}
        rows={10}
        spellCheck={false}
        value={String(value.raw)}
        onChange={(event) => onChange({ ...value, raw: event.target.value })}
      />
    );
  }
  if (spec.type === "categorical" && !spec.open_categories) {
    return (
      <select
        {...common}
        value={String(value.raw)}
        onChange={(event) => onChange({ ...value, raw: event.target.value })}
      >
        {!spec.categories.includes(String(value.raw)) && (
          <option value={String(value.raw)}>{String(value.raw) || "choose…"}</option>
        )}
        {spec.categories.map((category) => (
          <option key={category} value={category}>
            {category}
          </option>
        ))}
      </select>
    );
  }
  if (spec.type === "categorical") {
    return (
      <>
        <input
          {...common}
          type="text"
          list={`${id}-options`}
          autoComplete="off"
          value={String(value.raw)}
          onChange={(event) => onChange({ ...value, raw: event.target.value })}
        />
        <datalist id={`${id}-options`}>
          {spec.categories.map((category) => (
            <option key={category} value={category} />
          ))}
        </datalist>
      </>
    );
  }
  return (
    <input
      {...common}
      type="number"
      inputMode={spec.type === "integer" ? "numeric" : "decimal"}
      step={spec.type === "integer" ? 1 : "any"}
      min={spec.open_range ? undefined : (spec.minimum ?? undefined)}
      max={spec.open_range ? undefined : (spec.maximum ?? undefined)}
      value={String(value.raw)}
      onChange={(event) => onChange({ ...value, raw: event.target.value })}
    />
  );
}

export function FeatureInput(props: FeatureInputProps) {
  const { spec, value, error, onChange } = props;
  const id = `feature-${spec.name}`;
  const range = rangeHint(spec);
  const unit = spec.unit && spec.unit !== "count" ? ` (${spec.unit})` : "";
  return (
    <div className={spec.type === "text" ? "sm:col-span-2" : undefined}>
      <div className="mb-1 flex items-center justify-between gap-2">
        <label htmlFor={id} className="text-sm font-medium text-slate-200">
          {humanize(spec.name)}
          <span className="font-normal text-slate-500">{unit}</span>
        </label>
        {spec.allow_missing && (
          <label
            className="flex items-center gap-1 text-xs text-slate-400"
            title="Send this feature as missing (null)"
          >
            <input
              type="checkbox"
              className="h-3.5 w-3.5 accent-sky-500"
              checked={value.missing}
              onChange={(event) => onChange({ ...value, missing: event.target.checked })}
              aria-label={`${humanize(spec.name)} missing`}
            />
            missing
          </label>
        )}
      </div>
      <Control {...props} />
      <p id={`${id}-help`} className={`mt-1 text-xs ${error ? "text-red-300" : "text-slate-500"}`}>
        {error ?? (
          <>
            {spec.description}
            {range && <span className="text-slate-600"> · {range}</span>}
            {spec.type === "categorical" && spec.open_categories && (
              <span className="text-slate-600"> · or a new lower-case category</span>
            )}
          </>
        )}
      </p>
    </div>
  );
}
