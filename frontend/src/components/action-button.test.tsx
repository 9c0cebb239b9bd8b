import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ActionButton } from "./action-button";

describe("ActionButton", () => {
  it("is a plain button (never submits a form) in its tone and size", async () => {
    const onSubmit = vi.fn((event: { preventDefault: () => void }) => event.preventDefault());
    const onClick = vi.fn();
    render(
      <form onSubmit={onSubmit}>
        <ActionButton tone="danger" onClick={onClick} title="Shift the traffic">
          Inject drift
        </ActionButton>
      </form>,
    );
    const button = screen.getByRole("button", { name: "Inject drift" });
    expect(button).toHaveAttribute("type", "button");
    expect(button).toHaveAttribute("title", "Shift the traffic");
    expect(button).toHaveClass("px-3", "py-1.5", "text-sm", "bg-red-600", "hover:bg-red-500");
    await userEvent.setup().click(button);
    expect(onClick).toHaveBeenCalledOnce();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("has a small size for inline use, and does nothing while disabled", async () => {
    const onClick = vi.fn();
    render(
      <ActionButton tone="plain" size="sm" disabled onClick={onClick}>
        Cancel
      </ActionButton>,
    );
    const button = screen.getByRole("button", { name: "Cancel" });
    expect(button).toHaveClass("px-2.5", "py-1", "text-xs", "ring-slate-700");
    expect(button).not.toHaveClass("hover:bg-slate-800");
    expect(button).toBeDisabled();
    await userEvent.setup().click(button);
    expect(onClick).not.toHaveBeenCalled();
  });
});
