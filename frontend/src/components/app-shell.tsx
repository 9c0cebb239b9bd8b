// Header (brand, navigation, model switcher, live state, admin key) around the current page.
import type { ReactNode } from "react";
import { useAlerts } from "../features/alerts/use-alerts";
import { Link, useLocation } from "../lib/router";
import { ROUTES } from "../routes";
import { AdminKeyField } from "./admin-key-field";
import { ConnectionIndicator } from "./connection-indicator";
import { ModelSwitcher } from "./model-switcher";

function OpenAlertsBadge() {
  const count = useAlerts("open").data?.alerts.length ?? 0;
  if (count === 0) return null;
  return (
    <span
      className="ml-1.5 rounded-full bg-red-500/25 px-1.5 text-xs text-red-200"
      aria-label={`${count} open alerts`}
    >
      {count}
    </span>
  );
}

function Nav() {
  const { pathname } = useLocation();
  return (
    <nav aria-label="Pages" className="-mb-px flex gap-1 overflow-x-auto">
      {ROUTES.map((route) => {
        const active = route.path === "/" ? pathname === "/" : pathname.startsWith(route.path);
        return (
          <Link
            key={route.path}
            to={route.path}
            aria-current={active ? "page" : undefined}
            className={`whitespace-nowrap border-b-2 px-3 py-2.5 text-sm font-medium ${active ? "border-sky-400 text-white" : "border-transparent text-slate-400 hover:text-slate-200"}`}
          >
            {route.label}
            {route.path === "/alerts" && <OpenAlertsBadge />}
          </Link>
        );
      })}
    </nav>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  return (
    <div className="min-h-screen bg-slate-950 text-slate-100">
      <header className="sticky top-0 z-10 border-b border-slate-800 bg-slate-950/90 backdrop-blur">
        <div className="mx-auto max-w-7xl px-4 sm:px-6">
          <div className="flex items-center justify-between gap-3 pt-3">
            <Link to="/" className="flex items-center gap-2">
              <img src="/favicon.svg" alt="" className="h-6 w-6" />
              <span className="text-base font-semibold tracking-tight text-white">Driftscope</span>
              <span className="hidden text-xs text-slate-500 sm:inline">live model monitoring</span>
            </Link>
            <div className="flex items-center gap-3">
              <ModelSwitcher />
              <ConnectionIndicator />
              <AdminKeyField />
            </div>
          </div>
          <Nav />
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">{children}</main>
    </div>
  );
}
