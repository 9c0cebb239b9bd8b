import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "vite";
import { afterAll, describe, expect, it } from "vitest";
import { API_DOCS_DIR, apiDocs, apiDocsFiles } from "./vite-plugin-api-docs";

describe("apiDocsFiles", () => {
  it("finds every file the docs pages load in the pinned packages", () => {
    const files = apiDocsFiles();
    expect([...files.keys()]).toEqual(
      expect.arrayContaining([
        `${API_DOCS_DIR}/swagger-ui/swagger-ui-bundle.js`,
        `${API_DOCS_DIR}/swagger-ui/swagger-ui.css`,
        `${API_DOCS_DIR}/swagger-ui/oauth2-redirect.js`,
        `${API_DOCS_DIR}/redoc/redoc.standalone.js`,
      ]),
    );
    for (const source of files.values()) expect(existsSync(source), source).toBe(true);
  });
});

describe("apiDocs plugin", () => {
  const outDir = mkdtempSync(join(tmpdir(), "api-docs-"));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("writes the files into the build output, byte for byte", async () => {
    // A build of a one-line entry with only this plugin: what it adds, nothing else.
    const entry = join(outDir, "entry.js");
    writeFileSync(entry, "export const x = 1;\n");
    await build({
      configFile: false,
      logLevel: "silent",
      publicDir: false,
      plugins: [apiDocs()],
      build: { outDir: join(outDir, "dist"), lib: { entry, formats: ["es"], fileName: "entry" } },
    });
    for (const [fileName, source] of apiDocsFiles()) {
      const written = readFileSync(join(outDir, "dist", fileName));
      expect(written.equals(readFileSync(source)), fileName).toBe(true);
    }
  });
});
