import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { explainedSpam, SPAM_TEXT } from "../../test/content-model";
import type { TokenExplanation } from "../../lib/types";
import { highlightSegments, TokenHighlights } from "./token-highlights";

const explanation = explainedSpam.explanation as TokenExplanation;
const listed = [...explanation.tokens.positive, ...explanation.tokens.negative];
const items = (name: string) =>
  within(screen.getByRole("list", { name }))
    .getAllByRole("listitem")
    .map((li) => li.textContent);

describe("highlightSegments", () => {
  it("cuts the text at the spans, counted in code points (an emoji is one)", () => {
    const segments = highlightSegments(SPAM_TEXT, listed);
    expect(segments.map((s) => [s.text, s.token?.token ?? null])).toEqual([
      ["FREE", "free"],
      [" ", null],
      ["cash", "cash"],
      [" ", null],
      ["😀😀", "😀😀"],
      [" ", null],
      ["now", "now"],
      [", ", null],
      ["free", "free"],
      ["!", null],
    ]);
    expect(segments.map((s) => s.text).join("")).toBe(SPAM_TEXT);
  });

  it("keeps the whole text when nothing is highlighted, and ignores spans past its end", () => {
    const beyond = [{ token: "x", contribution: 1, spans: [[40, 44]] as [number, number][] }];
    expect(highlightSegments("plain", beyond)).toEqual([{ text: "plain", token: null }]);
  });
});

describe("TokenHighlights", () => {
  it("marks each token in its direction's colour, stronger for a larger push", () => {
    render(
      <TokenHighlights explanation={explanation} text={SPAM_TEXT} classes={["spam", "ham"]} />,
    );
    const text = screen.getByTestId("highlighted-text");
    expect(text).toHaveTextContent(SPAM_TEXT);
    const marks = within(text).getAllByRole("mark");
    expect(marks.map((m) => [m.textContent, m.dataset.direction])).toEqual([
      ["FREE", "positive"],
      ["cash", "positive"],
      ["😀😀", "negative"],
      ["now", "negative"],
      ["free", "positive"],
    ]);
    expect(marks[0]).toHaveAttribute("title", "free: +0.900 toward spam");
    expect(marks[3]).toHaveAttribute("title", "now: −0.100 toward ham");
    const alpha = (m: HTMLElement) => Number(/, ([\d.]+)\)$/.exec(m.style.background)?.[1]);
    expect(alpha(marks[0]!)).toBeGreaterThan(alpha(marks[1]!)); // 0.9 pushes harder than 0.4
    expect(marks[0]!.style.background).toContain("239, 68, 68");
    expect(marks[3]!.style.background).toContain("34, 197, 94");
  });

  it("has a legend and lists the top tokens each way, with repeats and the rest", () => {
    render(
      <TokenHighlights explanation={explanation} text={SPAM_TEXT} classes={["spam", "ham"]} />,
    );
    expect(screen.getByText("pushes toward spam")).toBeInTheDocument();
    expect(screen.getByText("pushes toward ham")).toBeInTheDocument();
    expect(items("Toward spam")).toEqual(["free ×2+0.900", "cash+0.400"]);
    expect(items("Toward ham")).toEqual(["😀😀−0.200", "now−0.100"]);
    expect(screen.getByText(/base −1\.500/)).toHaveTextContent(
      "base −1.500, these tokens, and +0.600 from the rest of the text add up to +0.100",
    );
  });
});
