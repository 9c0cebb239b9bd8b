// Simulator controls: choose a drift scenario (of the fraud or the content stream) and its
// strength, inject it, or go back to normal.
import { useState } from "react";
import { ActionButton, type ButtonTone } from "../../components/action-button";
import { FeedbackLine, useAdminAction } from "../../components/admin-action";
import { type NumericRange, RangeInput } from "../../components/range-input";
import { useAdminKey } from "../../lib/admin-key";
import { api } from "../../lib/api";
import type {
  ContentScenario,
  Scenario,
  SimulatorDesired,
  SimulatorState,
  SimulatorUpdate,
} from "../../lib/types";

/** The stream a scenario drives: transactions to `fraud` or real mail to `content`. */
type StreamModel = "fraud" | "content";
type ScenarioChoice = {
  value: Scenario | ContentScenario;
  model: StreamModel;
  label: string;
  description: string;
};

export const DRIFT_SCENARIOS: ScenarioChoice[] = [
  {
    value: "sudden",
    model: "fraud",
    label: "Sudden shift",
    description: "A step change in some numeric features (amounts, distances).",
  },
  {
    value: "gradual",
    model: "fraud",
    label: "Gradual ramp",
    description: "The same shift, growing over a few minutes.",
  },
  {
    value: "seasonal",
    model: "fraud",
    label: "Seasonal",
    description: "Features swing back and forth periodically.",
  },
  {
    value: "categorical",
    model: "fraud",
    label: "Category mix",
    description: "New and shifted merchant categories and channels.",
  },
  {
    value: "concept",
    model: "fraud",
    label: "Concept drift",
    description: "Inputs unchanged, but what makes fraud changes: only performance drops.",
  },
  {
    value: "campaign",
    model: "content",
    label: "Spam campaign",
    description: "Spam written a year after the training mail arrives: the spam share rises.",
  },
  {
    value: "hard_ham",
    model: "content",
    label: "Newsletters",
    description: "Commercial newsletters (hard ham): legitimate mail that looks like spam.",
  },
  {
    value: "sms",
    model: "content",
    label: "SMS channel",
    description: "Text messages from another channel: short texts, another vocabulary.",
  },
];
const STREAMS: Array<{ model: StreamModel; label: string }> = [
  { model: "fraud", label: "fraud model (transactions)" },
  { model: "content", label: "content model (mail)" },
];

interface SimulatorControlsProps {
  state: SimulatorState;
  onUpdated: (state: SimulatorState) => void;
}

const INTENSITY: NumericRange = { min: 0, max: 3, step: 0.1 };
const field = "rounded-md bg-slate-950 px-2 py-1.5 text-sm text-slate-100 ring-1";

function ScenarioField({
  value,
  onChange,
}: {
  value: ScenarioChoice["value"];
  onChange: (s: ScenarioChoice["value"]) => void;
}) {
  return (
    <label className="block text-xs text-slate-400">
      Drift scenario
      <select
        value={value}
        onChange={(event) => onChange(event.target.value as ScenarioChoice["value"])}
        className={`mt-1 w-full ${field} ring-slate-700`}
      >
        {STREAMS.map((stream) => (
          <optgroup key={stream.model} label={stream.label}>
            {DRIFT_SCENARIOS.filter((item) => item.model === stream.model).map((item) => (
              <option key={item.value} value={item.value}>
                {item.label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}

function IntensityField({ value, onChange }: { value: number; onChange: (n: number) => void }) {
  return (
    <label className="block text-xs text-slate-400">
      Intensity <span className="tabular-nums text-slate-200">{value.toFixed(1)}×</span>
      <RangeInput
        label="Intensity"
        range={INTENSITY}
        value={value}
        onChange={onChange}
        className="mt-2.5 w-full accent-sky-500"
      />
    </label>
  );
}

/** The target rate as typed, sent with its own button: typing 1000 must not send 1, 10, 100. */
function RateField({
  rate,
  busy,
  onSet,
}: {
  rate: number;
  busy: boolean;
  onSet: (rate: number) => void;
}) {
  const [typed, setTyped] = useState(String(rate));
  // A new rate from the server (another tab, the CLI) replaces what is typed: adjusted while
  // rendering, as React advises, rather than in an effect that would render twice.
  const [serverRate, setServerRate] = useState(rate);
  if (serverRate !== rate) {
    setServerRate(rate);
    setTyped(String(rate));
  }
  const value = Number(typed);
  const valid = Number.isFinite(value) && value >= 1 && value <= 1000;
  return (
    <label className="block text-xs text-slate-400">
      Traffic (req/s, 1–1000)
      <span className="mt-1 flex gap-1">
        <input
          type="number"
          min={1}
          max={1000}
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          className={`w-full ${field} ${valid ? "ring-slate-700" : "ring-red-500"}`}
          aria-label="Requests per second"
        />
        <ActionButton tone="secondary" disabled={busy || !valid} onClick={() => onSet(value)}>
          Set
        </ActionButton>
      </span>
    </label>
  );
}

/** A button of the simulator: the change it asks for and what to say once it is made. */
interface Command {
  label: string;
  tone: ButtonTone;
  update: SimulatorUpdate;
  done: string;
  title?: string;
}

/** The update that injects `choice`: into the fraud stream's fields or the content stream's. */
function injection(choice: ScenarioChoice, intensity: number): SimulatorUpdate {
  return choice.model === "content"
    ? { content: { scenario: choice.value as ContentScenario, intensity, running: true } }
    : { scenario: choice.value as Scenario, intensity, running: true };
}

function commands(desired: SimulatorDesired, choice: ScenarioChoice, intensity: number): Command[] {
  const strength = `${intensity.toFixed(1)}×`;
  const running = desired.running;
  return [
    {
      label: "Inject drift",
      tone: "danger",
      update: injection(choice, intensity),
      done: `Injected “${choice.label}” into the ${choice.model} model's traffic at ${strength}: the next monitoring windows will show it.`,
    },
    {
      label: "Back to normal",
      tone: "secondary",
      update: { scenario: "none", content: { scenario: "none" } },
      done: "Back to normal traffic (both models): drift clears as the windows roll over.",
    },
    {
      label: "Auto program",
      title: "Cycle through the scenarios automatically",
      tone: "secondary",
      update: { scenario: "auto" },
      done: "Auto program: cycles through the scenarios by itself.",
    },
    {
      label: running ? "Pause traffic" : "Resume traffic",
      tone: "outline",
      update: { running: !running },
      done: running ? "Traffic paused." : "Traffic resumed.",
    },
  ];
}

export function SimulatorControls({ state, onUpdated }: SimulatorControlsProps) {
  const key = useAdminKey();
  const desired = state.desired;
  const [scenario, setScenario] = useState<ScenarioChoice["value"]>(
    DRIFT_SCENARIOS.some((item) => item.value === desired.scenario) ? desired.scenario : "sudden",
  );
  const [intensity, setIntensity] = useState(desired.intensity);
  const { busy, feedback, run } = useAdminAction();
  const send = (update: SimulatorUpdate, success: string) =>
    run(() => api.put<SimulatorState>("/api/v1/simulator", update, true), {
      success,
      onSuccess: onUpdated,
    });
  const chosen = DRIFT_SCENARIOS.find((item) => item.value === scenario) ?? DRIFT_SCENARIOS[0]!;

  return (
    <div className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-3">
        <ScenarioField value={scenario} onChange={setScenario} />
        <IntensityField value={intensity} onChange={setIntensity} />
        <RateField
          rate={desired.rate}
          busy={busy}
          onSet={(rate) => send({ rate }, `Traffic set to ${rate} req/s.`)}
        />
      </div>
      <p className="text-xs text-slate-500">{chosen.description}</p>
      <div className="flex flex-wrap gap-2">
        {commands(desired, chosen, intensity).map(({ label, update, done, ...button }) => (
          <ActionButton key={label} {...button} disabled={busy} onClick={() => send(update, done)}>
            {label}
          </ActionButton>
        ))}
      </div>
      {!key && !feedback && (
        <p className="text-xs text-amber-300">
          These controls need the admin key: set it under “Admin key” (top right).
        </p>
      )}
      <FeedbackLine feedback={feedback} as="p" />
    </div>
  );
}
