// For chart tests: jsdom lays nothing out, and Recharts draws nothing into a box of size 0.
import { vi } from "vitest";

/** Gives each chart's ResponsiveContainer (and nothing else) a size, until the mocks restore. */
export function sizeCharts(width = 480, height = 224) {
  vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockImplementation(function (
    this: HTMLElement,
  ) {
    const isChart = this.classList.contains("recharts-responsive-container");
    return isChart ? new DOMRect(0, 0, width, height) : new DOMRect();
  });
}
