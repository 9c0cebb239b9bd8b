import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CardLink } from "./card-link";

describe("CardLink", () => {
  it("links to the full page with an arrow, and navigates in place", async () => {
    render(<CardLink to="/alerts">all alerts</CardLink>);
    const link = screen.getByRole("link", { name: "all alerts →" });
    expect(link).toHaveAttribute("href", "/alerts");
    await userEvent.setup().click(link);
    expect(window.location.pathname).toBe("/alerts");
  });
});
