import { describe, expect, it } from "vitest";
import { contract } from "../../test/fixtures";
import { buildTransaction, initialValues, mapServerErrors, parseField } from "./form-values";

const spec = (name: string) => {
  const found = contract.features.find((feature) => feature.name === name);
  if (!found) throw new Error(name);
  return found;
};

describe("parseField", () => {
  it("checks numbers against the contract's range, with the unit in the message", () => {
    expect(parseField(spec("amount"), { raw: "-5", missing: false })).toEqual({
      error: "Must be at least 0 USD",
    });
    expect(parseField(spec("amount"), { raw: "100001", missing: false })).toEqual({
      error: "Must be at most 100,000 USD",
    });
    expect(parseField(spec("amount"), { raw: "12.5", missing: false })).toEqual({ value: 12.5 });
    expect(parseField(spec("amount"), { raw: "abc", missing: false })).toEqual({
      error: "Enter a number",
    });
  });

  it("lets the API score a value beyond an open range (what training saw)", () => {
    const open = { ...spec("amount"), open_range: true };
    expect(parseField(open, { raw: "250000", missing: false })).toEqual({ value: 250000 });
    expect(parseField(open, { raw: "abc", missing: false })).toEqual({ error: "Enter a number" });
  });

  it("wants whole numbers for integer features", () => {
    expect(parseField(spec("hour_of_day"), { raw: "3.5", missing: false })).toEqual({
      error: "Enter a whole number",
    });
    expect(parseField(spec("hour_of_day"), { raw: "24", missing: false })).toEqual({
      error: "Must be at most 23 hour",
    });
    expect(parseField(spec("hour_of_day"), { raw: "0", missing: false })).toEqual({ value: 0 });
  });

  it("sends null for a missing feature only where the contract allows it", () => {
    expect(parseField(spec("distance_from_home_km"), { raw: "", missing: true })).toEqual({
      value: null,
    });
    expect(parseField(spec("distance_from_home_km"), { raw: "", missing: false })).toEqual({
      error: "Required (or tick “missing”)",
    });
    expect(parseField(spec("amount"), { raw: "", missing: true })).toEqual({ error: "Required" });
  });

  it("accepts a new category only for an open categorical", () => {
    expect(parseField(spec("merchant_category"), { raw: "pet_shop", missing: false })).toEqual({
      value: "pet_shop",
    });
    expect(parseField(spec("channel"), { raw: "fax", missing: false })).toEqual({
      error: "Choose one of: pos, online, mobile, atm",
    });
  });
});

describe("buildTransaction", () => {
  it("turns the example into the same transaction", () => {
    const { transaction, errors } = buildTransaction(contract.features, initialValues(contract));
    expect(errors).toEqual({});
    expect(transaction).toEqual(contract.example);
  });
});

describe("mapServerErrors", () => {
  it("puts server reasons on form fields and keeps the rest as general messages", () => {
    const mapped = mapServerErrors(contract.features, {
      merchant_category: "String should match pattern",
      "body.amount": "Input should be greater than or equal to 0",
      body: "Invalid JSON",
    });
    expect(mapped.fields).toEqual({
      merchant_category: "String should match pattern",
      amount: "Input should be greater than or equal to 0",
    });
    expect(mapped.general).toEqual(["Invalid JSON"]);
  });
});
