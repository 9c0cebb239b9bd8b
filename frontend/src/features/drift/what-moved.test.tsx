import { render, screen, within } from "@testing-library/react";
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

const errors: NonNullable<DriftReport["error_segments"]>[number] = {
  feature: "merchant_category",
  segment: "gaming",
  categorical: true,
  labelled: 120,
  errors: 41,
  expected_errors: 9.8,
  excess_errors: 31.2,
  contribution: 0.3,
  p_value: 1e-9,
  q_value: 1e-8,
  description: "merchant_category = gaming: 41 errors where 9.8 expected (of 120 labelled)",
};

describe("WhatMoved", () => {
  it("lists the top three moved segments, one line each, largest first as given", () => {
    render(
      <WhatMoved
        segments={[
          segment({}),
          segment({
            feature: "score",
            segment: "≥ 0.5",
            categorical: false,
            description: "score ≥ 0.5: 2% → 20% of traffic",
          }),
          segment({ segment: "grocery", description: "merchant_category = grocery: 60% → 40%" }),
          segment({ segment: "travel", description: "merchant_category = travel: 9% → 5%" }),
        ]}
      />,
    );
    const items = within(screen.getByRole("list", { name: "Share of traffic" })).getAllByRole(
      "listitem",
    );
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent("merchant_category = (unseen): 0% → 30% of traffic");
    expect(items[1]).toHaveTextContent("score ≥ 0.5: 2% → 20% of traffic");
    expect(screen.queryByText(/travel/)).not.toBeInTheDocument();
    expect(screen.queryByText("Where the errors are")).not.toBeInTheDocument();
  });

  it("lists the segments the extra errors come from", () => {
    render(<WhatMoved segments={[]} errorSegments={[errors]} />);
    const list = screen.getByRole("list", { name: "Errors beyond training" });
    expect(list).toHaveTextContent(
      "merchant_category = gaming: 41 errors where 9.8 expected (of 120 labelled)",
    );
    expect(list).toHaveTextContent("+31 errors");
  });

  it("shows nothing when no segment moved", () => {
    const { container } = render(<WhatMoved segments={[]} />);
    expect(container).toBeEmptyDOMElement();
    expect(screen.queryByText("What moved")).not.toBeInTheDocument();
  });
});
