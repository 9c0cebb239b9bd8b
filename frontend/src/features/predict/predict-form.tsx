// Single-row form generated from the model's feature contract; validates, then POSTs to its predict route.
import { type FormEvent, useState } from "react";
import { ApiError, api } from "../../lib/api";
import type { FeatureContract, Transaction } from "../../lib/types";
import { FeatureInput } from "./feature-input";
import {
  buildTransaction,
  type FieldErrors,
  type FormValues,
  initialValues,
  mapServerErrors,
} from "./form-values";
import type { AnyPrediction } from "./prediction-result";

interface PredictFormProps {
  contract: FeatureContract;
  /** The answer, and what was sent for it (null and nothing after an error or a reset). */
  onResult: (result: AnyPrediction | null, sent?: Transaction) => void;
  /** Where the row is scored (default: the default model's /api/v1/predict). */
  predictPath?: string;
  /** Offer "Explain the score" (`?explain=true`). */
  explainable?: boolean;
  /** What one row is called: "transaction" for the fraud model. */
  noun?: string;
}

export function PredictForm({
  contract,
  onResult,
  predictPath = "/api/v1/predict",
  explainable = true,
  noun = "transaction",
}: PredictFormProps) {
  const [values, setValues] = useState<FormValues>(() => initialValues(contract));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [explain, setExplain] = useState(true);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { transaction, errors: clientErrors } = buildTransaction(contract.features, values);
    setErrors(clientErrors);
    setGeneral([]);
    if (Object.keys(clientErrors).length > 0) {
      onResult(null);
      return;
    }
    setBusy(true);
    try {
      onResult(
        await api.post<AnyPrediction>(
          explain && explainable ? `${predictPath}?explain=true` : predictPath,
          transaction,
        ),
        transaction,
      );
    } catch (caught) {
      onResult(null);
      if (caught instanceof ApiError && Object.keys(caught.fieldErrors).length > 0) {
        const mapped = mapServerErrors(contract.features, caught.fieldErrors);
        setErrors(mapped.fields);
        setGeneral(mapped.general);
      } else {
        setGeneral([caught instanceof Error ? caught.message : String(caught)]);
      }
    } finally {
      setBusy(false);
    }
  };

  const reset = () => {
    setValues(initialValues(contract));
    setErrors({});
    setGeneral([]);
    onResult(null);
  };

  const errorCount = Object.keys(errors).length;
  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label={`${noun[0]?.toUpperCase()}${noun.slice(1)} to score`}
    >
      <div className="grid gap-x-5 gap-y-4 sm:grid-cols-2">
        {contract.features.map((spec) => (
          <FeatureInput
            key={spec.name}
            spec={spec}
            value={values[spec.name] ?? { raw: "", missing: false }}
            error={errors[spec.name]}
            onChange={(value) => {
              setValues((previous) => ({ ...previous, [spec.name]: value }));
              setErrors(({ [spec.name]: _cleared, ...rest }) => rest);
            }}
          />
        ))}
      </div>
      {(general.length > 0 || errorCount > 0) && (
        <div
          role="alert"
          className="mt-4 rounded-lg bg-red-500/10 px-3 py-2 text-sm text-red-200 ring-1 ring-red-500/30"
        >
          {errorCount > 0 && (
            <p>
              {errorCount === 1
                ? "One field needs attention."
                : `${errorCount} fields need attention.`}
            </p>
          )}
          {general.map((message) => (
            <p key={message}>{message}</p>
          ))}
        </div>
      )}
      <div className="mt-5 flex flex-wrap items-center gap-2">
        <button
          type="submit"
          disabled={busy}
          className="rounded-md bg-sky-600 px-4 py-2 text-sm font-medium text-white hover:bg-sky-500 disabled:opacity-50"
        >
          {busy ? "Scoring…" : `Score ${noun}`}
        </button>
        <button
          type="button"
          onClick={reset}
          className="rounded-md px-3 py-2 text-sm text-slate-300 ring-1 ring-slate-700 hover:bg-slate-800"
        >
          Reset to example
        </button>
        {explainable && (
          <label
            className="ml-auto flex items-center gap-2 text-sm text-slate-300"
            title="Adds the contributions of each feature, or of each word of a text (?explain=true)"
          >
            <input
              type="checkbox"
              checked={explain}
              onChange={(event) => setExplain(event.target.checked)}
            />
            Explain the score
          </label>
        )}
      </div>
    </form>
  );
}
