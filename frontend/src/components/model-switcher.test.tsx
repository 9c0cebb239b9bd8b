import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useModel } from "../lib/model-context";
import { glance, loneFraud, renderWithModels, twoModels } from "../test/many-models";
import type { Overview } from "../lib/types";
import { ModelSwitcher } from "./model-switcher";

afterEach(() => vi.unstubAllGlobals());

function Loaded() {
  const { defaultModel } = useModel();
  return defaultModel && <p>default {defaultModel}</p>;
}

function renderSwitcher(overview: Overview, url = "/") {
  renderWithModels(
    <>
      <ModelSwitcher />
      <Loaded />
    </>,
    overview,
    url,
  );
  return userEvent.setup();
}

describe("ModelSwitcher", () => {
  it("lists every model of the overview and shows the default one first", async () => {
    renderSwitcher({
      ...twoModels,
      models: [...twoModels.models, glance("partner", { kind: "external" })],
    });
    const select = await screen.findByRole("combobox", { name: "Model" });
    expect(select).toHaveValue("fraud");
    expect(
      within(select)
        .getAllByRole("option")
        .map((option) => option.textContent),
    ).toEqual(["fraud", "flights", "partner (external)"]);
  });

  it("writes the chosen model into the URL, and reads it from there", async () => {
    const user = renderSwitcher(twoModels, "/drift");
    await user.selectOptions(await screen.findByRole("combobox", { name: "Model" }), "flights");
    expect(window.location.pathname + window.location.search).toBe("/drift?model=flights");
    expect(screen.getByRole("combobox", { name: "Model" })).toHaveValue("flights");
    await user.selectOptions(screen.getByRole("combobox", { name: "Model" }), "fraud");
    expect(window.location.search).toBe("");
  });

  it("keeps a model the URL names that has no production version, marked as such", async () => {
    renderSwitcher(twoModels, "/?model=retired");
    const select = await screen.findByRole("combobox", { name: "Model" });
    expect(select).toHaveValue("retired");
    expect(
      within(select).getByRole("option", { name: "retired (not served)" }),
    ).toBeInTheDocument();
  });

  it("is not shown for a lone model (the demo looks as before)", async () => {
    renderSwitcher(loneFraud);
    expect(await screen.findByText("default fraud")).toBeInTheDocument();
    expect(screen.queryByRole("combobox", { name: "Model" })).not.toBeInTheDocument();
  });
});
