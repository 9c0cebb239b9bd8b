// Entry point: take an admin key from the URL fragment, then render the dashboard.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import "./index.css";
import { captureAdminKeyFromHash } from "./lib/admin-key";

captureAdminKeyFromHash();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
