import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { DriftReport } from "../../lib/types";
import { WhatMoved } from "./what-moved";

const segment = (
  overrides: Partial<DriftReport["segments"][number]>,
): DriftReport["segments"][number] => ({
  feature: "merchant_category",
  segment: "(unseen)",
  categorical: true,
  reference_share: 0,
  current_share: 0.3,
  contribution: 1.215,
  p_value: 1e-9,
  q_value: 1e-8,
  description: "merchant_category = (unseen): 0% → 30% of traffic",
  ...overrides,
});

describe("WhatMoved", () => {
  it("lists each moved segment with its shares, largest first as given", () => {
    render(
      <WhatMoved
        segments={[
          segment({}),
          segment({
            feature: "amount",
            segment: "≥ 100",
            categorical: false,
            reference_share: 0.1,
            current_share: 0.05,
            contribution: 0.035,
          }),
        ]}
      />,
    );
    const items = screen.getAllByRole("listitem");
    expect(items[0]).toHaveTextContent("merchant_category = (unseen)");
    expect(items[0]).toHaveTextContent("0% → 30% of traffic");
    expect(items[1]).toHaveTextContent("amount ≥ 100");
    expect(items[1]).not.toHaveTextContent("= ≥");
    expect(items[1]).toHaveTextContent("10% → 5% of traffic");
  });

  it("shows nothing when no segment moved", () => {
    const { container } = render(<WhatMoved segments={[]} />);
    expect(container).toBeEmptyDOMElement();
    expect(screen.queryByText("What moved")).not.toBeInTheDocument();
  });
});
