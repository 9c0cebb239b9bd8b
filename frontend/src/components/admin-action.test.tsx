import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../lib/api";
import { type ActionOutcome, FeedbackLine, useAdminAction } from "./admin-action";

/** A button running `action` through the hook, with its feedback line. */
function Harness<T>({ action, outcome }: { action: () => Promise<T>; outcome: ActionOutcome<T> }) {
  const { busy, feedback, run } = useAdminAction();
  return (
    <div>
      <button type="button" disabled={busy} onClick={() => run(action, outcome)}>
        {busy ? "Working…" : "Go"}
      </button>
      <FeedbackLine feedback={feedback} as="p" />
    </div>
  );
}

describe("useAdminAction", () => {
  it("is busy while the action runs, then says how it went and calls onSuccess", async () => {
    let finish: (value: number) => void = () => undefined;
    const action = () => new Promise<number>((resolve) => (finish = resolve));
    const onSuccess = vi.fn();
    const success = (version: number) => `v${version} serves production.`;
    render(<Harness action={action} outcome={{ success, onSuccess }} />);
    await userEvent.setup().click(screen.getByRole("button", { name: "Go" }));
    expect(screen.getByRole("button", { name: "Working…" })).toBeDisabled();
    expect(screen.queryByRole("status")).not.toBeInTheDocument();

    finish(3);
    const status = await screen.findByRole("status");
    expect(status).toHaveTextContent("v3 serves production.");
    expect(status.tagName).toBe("P");
    expect(status).toHaveClass("text-xs", "text-green-300");
    expect(onSuccess).toHaveBeenCalledWith(3);
    expect(screen.getByRole("button", { name: "Go" })).toBeEnabled();
  });

  it("turns a refusal into an alert, after handing the error to onError", async () => {
    const refused = new ApiError(401, "unauthorized", "X-API-Key is not valid");
    const onError = vi.fn();
    const onSuccess = vi.fn();
    const action = () => Promise.reject(refused);
    render(<Harness action={action} outcome={{ success: "done", onSuccess, onError }} />);
    await userEvent.setup().click(screen.getByRole("button", { name: "Go" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Admin key rejected (401)");
    expect(alert).toHaveClass("text-red-300");
    expect(onError).toHaveBeenCalledWith(refused);
    expect(onSuccess).not.toHaveBeenCalled();
  });

  it("clears the last outcome when the next action starts", async () => {
    let calls = 0;
    const action = () => (++calls === 1 ? Promise.resolve() : new Promise<void>(() => undefined));
    render(<Harness action={action} outcome={{ success: "first done" }} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Go" }));
    expect(await screen.findByRole("status")).toHaveTextContent("first done");
    await user.click(screen.getByRole("button", { name: "Go" }));
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
  });
});

describe("FeedbackLine", () => {
  it("renders nothing before any action, and a span by default", () => {
    const { container, rerender } = render(<FeedbackLine feedback={null} />);
    expect(container).toBeEmptyDOMElement();
    rerender(<FeedbackLine feedback={{ ok: true, text: "Saved." }} />);
    expect(screen.getByRole("status").tagName).toBe("SPAN");
  });
});
