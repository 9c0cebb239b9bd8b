// One admin action at a time per control: pending while it runs, then a line saying how it went.
import { useState } from "react";
import { describeAdminError } from "../lib/api";

export type ActionFeedback = { ok: boolean; text: string } | null;

export interface ActionOutcome<T> {
  /** The line shown when the action succeeds. */
  success: string | ((result: T) => string);
  /** After a success, e.g. reload what the action changed. */
  onSuccess?: (result: T) => void;
  /** With what the action threw, before the error line is shown (e.g. keep a gate's checks). */
  onError?: (caught: unknown) => void;
}

export function useAdminAction() {
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<ActionFeedback>(null);

  // Never rejects: a failure becomes the feedback line (the admin-key hint included).
  const run = async <T,>(action: () => Promise<T>, outcome: ActionOutcome<T>) => {
    setBusy(true);
    setFeedback(null);
    try {
      const result = await action();
      const { success } = outcome;
      setFeedback({ ok: true, text: typeof success === "string" ? success : success(result) });
      outcome.onSuccess?.(result);
    } catch (caught) {
      outcome.onError?.(caught);
      setFeedback({ ok: false, text: describeAdminError(caught) });
    } finally {
      setBusy(false);
    }
  };
  return { busy, feedback, run };
}

/** How the last action went: a status line, or an alert that screen readers announce. */
export function FeedbackLine({
  feedback,
  as: Element = "span",
}: {
  feedback: ActionFeedback;
  as?: "span" | "p";
}) {
  if (!feedback) return null;
  return (
    <Element
      role={feedback.ok ? "status" : "alert"}
      className={`text-xs ${feedback.ok ? "text-green-300" : "text-red-300"}`}
    >
      {feedback.text}
    </Element>
  );
}
