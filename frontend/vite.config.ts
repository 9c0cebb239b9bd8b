/// <reference types="vitest/config" />
// Vite build + dev server (proxying the backend) + Vitest, in one place.
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { apiDocs } from "./vite-plugin-api-docs";

// Where `npm run dev` / `npm run preview` send API and WebSocket calls.
const backend = process.env.DRIFTSCOPE_API_URL ?? "http://127.0.0.1:8000";
const proxied = ["/api", "/health", "/ready", "/metrics", "/docs", "/redoc", "/openapi.json"];
const proxy = {
  ...Object.fromEntries(proxied.map((path) => [path, { target: backend, changeOrigin: true }])),
  "/ws": { target: backend, ws: true, changeOrigin: true },
};

export default defineConfig({
  plugins: [react(), tailwindcss(), apiDocs()],
  server: { proxy },
  preview: { proxy },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
  },
  test: {
    restoreMocks: true,
    projects: [
      {
        extends: true,
        test: {
          name: "dashboard",
          include: ["src/**/*.test.{ts,tsx}"],
          environment: "jsdom",
          setupFiles: ["./src/test/setup.ts"],
          css: false,
        },
      },
      // The build's own plugins, in Node.
      { extends: true, test: { name: "build", include: ["*.test.ts"], environment: "node" } },
    ],
  },
});
