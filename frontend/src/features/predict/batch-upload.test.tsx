import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resetOpenApiCache } from "../../lib/openapi";
import { jsonResponse, requestUrl } from "../../test/fixtures";
import { BatchUpload, uploadFieldName } from "./batch-upload";

afterEach(() => {
  vi.unstubAllGlobals();
  resetOpenApiCache();
});

const batchOperation = {
  requestBody: {
    content: {
      "multipart/form-data": {
        schema: { properties: { upload: { type: "string", format: "binary" } } },
      },
    },
  },
};

function backend(paths: Record<string, unknown>) {
  return vi.fn((input: RequestInfo | URL) => {
    if (requestUrl(input).pathname === "/openapi.json") return jsonResponse({ paths });
    const scored = "amount,fraud_probability\n1,0.01\n";
    return Promise.resolve(
      new Response(scored, { status: 200, headers: { "Content-Type": "text/csv" } }),
    );
  });
}

describe("BatchUpload", () => {
  it("is not shown while the server has no batch endpoint", async () => {
    const fetch = backend({ "/api/v1/predict": { post: {} } });
    vi.stubGlobal("fetch", fetch);
    const { container } = render(<BatchUpload />);
    await waitFor(() => expect(fetch).toHaveBeenCalledWith("/openapi.json", expect.anything()));
    expect(container).toBeEmptyDOMElement();
  });

  it("uploads the CSV under the field name the OpenAPI document gives and offers the result", async () => {
    const fetch = backend({ "/api/v1/predict/batch": { post: batchOperation } });
    vi.stubGlobal("fetch", fetch);
    URL.createObjectURL = vi.fn(() => "blob:scored");
    URL.revokeObjectURL = vi.fn();
    const user = userEvent.setup();
    render(<BatchUpload />);
    await user.upload(
      await screen.findByLabelText("CSV file"),
      new File(["amount\n1\n"], "july.csv", { type: "text/csv" }),
    );
    await user.click(screen.getByRole("button", { name: "Upload and score" }));
    expect(await screen.findByRole("link", { name: "Download july-scored.csv" })).toHaveAttribute(
      "href",
      "blob:scored",
    );
    const [url, init] = fetch.mock.calls.find(
      ([input]) => requestUrl(input).pathname === "/api/v1/predict/batch",
    ) as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/predict/batch");
    expect((init.body as FormData).get("upload")).toBeInstanceOf(File);
  });
});

describe("uploadFieldName", () => {
  it("falls back to 'file'", () => {
    expect(uploadFieldName(null)).toBe("file");
    expect(uploadFieldName(batchOperation)).toBe("upload");
  });
});
