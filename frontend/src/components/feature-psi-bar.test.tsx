import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { featureDrift } from "../test/fixtures";
import { FeaturePsiBar } from "./feature-psi-bar";

describe("FeaturePsiBar", () => {
  it("draws the feature's PSI against its own thresholds, in its severity's colour", () => {
    const feature = featureDrift("amount", { psi: 0.3, severity: "alert" });
    render(<FeaturePsiBar feature={feature} scaleMax={0.6} />);
    const bar = screen.getByTitle("PSI 0.300 — warn at 0.128, alert at 0.278");
    expect(bar).toHaveTextContent("0.300");
    const fill = bar.querySelector<HTMLElement>(".absolute.left-0");
    expect(fill?.style.width).toBe("50%");
    expect(fill?.style.background).toBe("rgb(239, 68, 68)"); // red-500: alert
  });

  it("derives the severity from the thresholds when the report has none", () => {
    const feature = featureDrift("amount", { psi: 0.2, severity: null as never });
    render(<FeaturePsiBar feature={feature} scaleMax={0.4} />);
    const fill = screen.getByTitle(/^PSI 0.200/).querySelector<HTMLElement>(".absolute.left-0");
    expect(fill?.style.background).toBe("rgb(245, 158, 11)"); // amber-500: past warn, not alert
  });
});
