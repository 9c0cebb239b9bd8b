import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { RangeInput } from "./range-input";

describe("RangeInput", () => {
  it("spans the range and hands back numbers", () => {
    const onChange = vi.fn();
    render(
      <RangeInput
        label="Intensity"
        range={{ min: 0, max: 3, step: 0.1 }}
        value={1}
        onChange={onChange}
      />,
    );
    const slider = screen.getByRole("slider", { name: "Intensity" });
    expect(slider).toHaveAttribute("min", "0");
    expect(slider).toHaveAttribute("max", "3");
    expect(slider).toHaveAttribute("step", "0.1");
    expect(slider).toHaveValue("1");
    fireEvent.change(slider, { target: { value: "2.5" } });
    expect(onChange).toHaveBeenCalledWith(2.5);
  });
});
