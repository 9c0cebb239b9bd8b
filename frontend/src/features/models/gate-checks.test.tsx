import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { ForceButton, ForceReasonField, GateChecks, checksOf } from "./gate-checks";

const floor = { name: "roc_auc_floor", passed: true, value: 0.92, limit: 0.88, message: "" };
const live = { name: "live_auc", passed: false, value: 0.81, limit: 0.9, message: "live AUC low" };

describe("checksOf", () => {
  it("reads the checks of a canary refusal (a list) and of a promote refusal ({checks})", () => {
    expect(checksOf([floor, live])).toEqual([floor, live]);
    expect(checksOf({ checks: [live] })).toEqual([live]);
  });

  it("leaves out what is not a check (e.g. field errors) and copes with no details", () => {
    expect(checksOf([{ field: "version", reason: "required" }, live])).toEqual([live]);
    expect(checksOf(null)).toEqual([]);
    expect(checksOf("gate failed")).toEqual([]);
  });
});

describe("GateChecks", () => {
  it("marks each check, with the figures when the check has no message", () => {
    render(<GateChecks checks={[floor, live]} />);
    expect(screen.getByLabelText("passed")).toHaveTextContent("✓");
    expect(screen.getByLabelText("failed")).toHaveTextContent("✗");
    expect(screen.getByText("(0.920 vs 0.880)")).toBeInTheDocument();
    expect(screen.getByText("live AUC low")).toBeInTheDocument();
  });
});

function Force({ onForce }: { onForce: () => void }) {
  const [reason, setReason] = useState("");
  return (
    <>
      <ForceReasonField value={reason} onChange={setReason} placeholder="e.g. incident 42" />
      <ForceButton reason={reason} busy={false} onForce={onForce}>
        Force
      </ForceButton>
    </>
  );
}

describe("ForceReasonField and ForceButton", () => {
  it("forces only once a reason other than blanks is typed", async () => {
    const onForce = vi.fn();
    render(<Force onForce={onForce} />);
    const user = userEvent.setup();
    const field = screen.getByLabelText("Reason for forcing (required)");
    expect(field).toHaveAttribute("maxlength", "500");
    expect(field).toHaveAttribute("placeholder", "e.g. incident 42");
    await user.type(field, "   ");
    expect(screen.getByRole("button", { name: "Force" })).toBeDisabled();
    await user.type(field, "hotfix");
    await user.click(screen.getByRole("button", { name: "Force" }));
    expect(onForce).toHaveBeenCalledOnce();
  });
});
