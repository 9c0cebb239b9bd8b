// Simulator controls: choose a drift scenario and its strength, inject it, or go back to normal.
import { useState } from "react";
import { useAdminKey } from "../../lib/admin-key";
import { ApiError, api, describeAdminError } from "../../lib/api";
import type { Scenario, SimulatorState, SimulatorUpdate } from "../../lib/types";

export const DRIFT_SCENARIOS: Array<{ value: Scenario; label: string; description: string }> = [
  {
    value: "sudden",
    label: "Sudden shift",
    description: "A step change in some numeric features (amounts, distances).",
  },
  {
    value: "gradual",
    label: "Gradual ramp",
    description: "The same shift, growing over a few minutes.",
  },
  {
    value: "seasonal",
    label: "Seasonal",
    description: "Features swing back and forth periodically.",
  },
  {
    value: "categorical",
    label: "Category mix",
    description: "New and shifted merchant categories and channels.",
  },
  {
    value: "concept",
    label: "Concept drift",
    description: "Inputs unchanged, but what makes fraud changes: only performance drops.",
  },
];

interface SimulatorControlsProps {
  state: SimulatorState;
  onUpdated: (state: SimulatorState) => void;
}

type Feedback = { ok: boolean; text: string } | null;

export function SimulatorControls({ state, onUpdated }: SimulatorControlsProps) {
  const key = useAdminKey();
  const desired = state.desired;
  const [scenario, setScenario] = useState<Scenario>(
    DRIFT_SCENARIOS.some((item) => item.value === desired.scenario) ? desired.scenario : "sudden",
  );
  const [intensity, setIntensity] = useState(desired.intensity);
  const [rate, setRate] = useState(String(desired.rate));
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);

  // A new rate from the server (another tab, the CLI) replaces what is typed: adjusted while
  // rendering, as React advises, rather than in an effect that would render twice.
  const [serverRate, setServerRate] = useState(desired.rate);
  if (serverRate !== desired.rate) {
    setServerRate(desired.rate);
    setRate(String(desired.rate));
  }

  const send = async (update: SimulatorUpdate, success: string) => {
    setBusy(true);
    setFeedback(null);
    try {
      onUpdated(await api.put<SimulatorState>("/api/v1/simulator", update, true));
      setFeedback({ ok: true, text: success });
    } catch (caught) {
      setFeedback({
        ok: false,
        text: caught instanceof ApiError ? describeAdminError(caught) : String(caught),
      });
    } finally {
      setBusy(false);
    }
  };

  const rateNumber = Number(rate);
  const rateValid = Number.isFinite(rateNumber) && rateNumber >= 1 && rateNumber <= 1000;
  const chosen = DRIFT_SCENARIOS.find((item) => item.value === scenario);
  const button = "rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-40";

  return (
    <div className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-3">
        <label className="block text-xs text-slate-400">
          Drift scenario
          <select
            value={scenario}
            onChange={(event) => setScenario(event.target.value as Scenario)}
            className="mt-1 w-full rounded-md bg-slate-950 px-2 py-1.5 text-sm text-slate-100 ring-1 ring-slate-700"
          >
            {DRIFT_SCENARIOS.map((item) => (
              <option key={item.value} value={item.value}>
                {item.label}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-xs text-slate-400">
          Intensity <span className="tabular-nums text-slate-200">{intensity.toFixed(1)}×</span>
          <input
            type="range"
            min={0}
            max={3}
            step={0.1}
            value={intensity}
            onChange={(event) => setIntensity(Number(event.target.value))}
            className="mt-2.5 w-full accent-sky-500"
            aria-label="Intensity"
          />
        </label>
        <label className="block text-xs text-slate-400">
          Traffic (req/s, 1–1000)
          <span className="mt-1 flex gap-1">
            <input
              type="number"
              min={1}
              max={1000}
              value={rate}
              onChange={(event) => setRate(event.target.value)}
              className={`w-full rounded-md bg-slate-950 px-2 py-1.5 text-sm text-slate-100 ring-1 ${rateValid ? "ring-slate-700" : "ring-red-500"}`}
              aria-label="Requests per second"
            />
            <button
              type="button"
              disabled={busy || !rateValid}
              onClick={() => send({ rate: rateNumber }, `Traffic set to ${rateNumber} req/s.`)}
              className={`${button} bg-slate-800 text-slate-100 ring-1 ring-slate-600 hover:bg-slate-700`}
            >
              Set
            </button>
          </span>
        </label>
      </div>
      {chosen && <p className="text-xs text-slate-500">{chosen.description}</p>}
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            send(
              { scenario, intensity, running: true },
              `Injected “${chosen?.label ?? scenario}” at ${intensity.toFixed(1)}×: the next monitoring windows will show it.`,
            )
          }
          className={`${button} bg-red-600 text-white hover:bg-red-500`}
        >
          Inject drift
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            send(
              { scenario: "none" },
              "Back to normal traffic: drift clears as the windows roll over.",
            )
          }
          className={`${button} bg-slate-800 text-slate-100 ring-1 ring-slate-600 hover:bg-slate-700`}
        >
          Back to normal
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            send({ scenario: "auto" }, "Auto program: cycles through the scenarios by itself.")
          }
          className={`${button} bg-slate-800 text-slate-100 ring-1 ring-slate-600 hover:bg-slate-700`}
          title="Cycle through the scenarios automatically"
        >
          Auto program
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            send(
              { running: !desired.running },
              desired.running ? "Traffic paused." : "Traffic resumed.",
            )
          }
          className={`${button} text-slate-300 ring-1 ring-slate-700 hover:bg-slate-800`}
        >
          {desired.running ? "Pause traffic" : "Resume traffic"}
        </button>
      </div>
      {!key && !feedback && (
        <p className="text-xs text-amber-300">
          These controls need the admin key: set it under “Admin key” (top right).
        </p>
      )}
      {feedback && (
        <p
          role={feedback.ok ? "status" : "alert"}
          className={`text-xs ${feedback.ok ? "text-green-300" : "text-red-300"}`}
        >
          {feedback.text}
        </p>
      )}
    </div>
  );
}
