// Vite plugin: Swagger UI and ReDoc from their npm packages into the build, so the backend's /docs
// and /redoc (backend/src/driftscope_backend/docs_ui.py) load no CDN and pass the strict CSP.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Connect, Plugin } from "vite";

/**
 * The build's folder for them (with public/openapi-ui/swagger-init.js); docs_ui.py links to the
 * same paths. Not under /api, /docs or /redoc: those prefixes belong to the backend's routes.
 */
export const API_DOCS_DIR = "openapi-ui";

const packageDir = (name: string) =>
  dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));

/** Where each file lands under dist/ → where it is in node_modules (with its licence notice). */
export function apiDocsFiles(): Map<string, string> {
  const swagger = packageDir("swagger-ui-dist");
  const redoc = join(packageDir("redoc"), "bundles");
  const files: Array<[string, string, string[]]> = [
    ["swagger-ui", swagger, ["swagger-ui-bundle.js", "swagger-ui-bundle.js.LICENSE.txt"]],
    ["swagger-ui", swagger, ["swagger-ui.css", "oauth2-redirect.js", "LICENSE", "NOTICE"]],
    ["redoc", redoc, ["redoc.standalone.js", "redoc.standalone.js.LICENSE.txt"]],
  ];
  return new Map(
    files.flatMap(([folder, source, names]) =>
      names.map((name): [string, string] => [
        `${API_DOCS_DIR}/${folder}/${name}`,
        join(source, name),
      ]),
    ),
  );
}

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/** `npm run dev` serves the same files from node_modules (the backend's /docs page is proxied). */
function serveInDev(files: Map<string, string>): Connect.NextHandleFunction {
  return (request, response, next) => {
    const path = (request.url ?? "").split("?")[0]?.slice(1) ?? "";
    const source = files.get(path);
    if (!source) return next();
    const extension = path.slice(path.lastIndexOf("."));
    response.setHeader("Content-Type", CONTENT_TYPES[extension] ?? "text/plain; charset=utf-8");
    response.end(readFileSync(source));
  };
}

export function apiDocs(): Plugin {
  const files = apiDocsFiles();
  return {
    name: "driftscope-api-docs",
    configureServer(server) {
      server.middlewares.use(serveInDev(files));
    },
    generateBundle() {
      for (const [fileName, source] of files) {
        this.emitFile({ type: "asset", fileName, source: readFileSync(source) });
      }
    },
  };
}
