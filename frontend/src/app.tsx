// The dashboard: chosen model and live stream providers, shell and the page for the current URL.
import { Suspense } from "react";
import { AppShell } from "./components/app-shell";
import { EmptyState, Loading } from "./components/empty-state";
import { LiveProvider } from "./lib/live-context";
import { ModelProvider } from "./lib/model-context";
import { Link, useLocation } from "./lib/router";
import { matchRoute } from "./routes";

function CurrentPage() {
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  if (!route) {
    return (
      <EmptyState title={`No page at ${pathname}`}>
        <Link to="/" className="text-sky-300 underline">
          Go to the overview
        </Link>
      </EmptyState>
    );
  }
  const Page = route.component;
  return (
    <Suspense fallback={<Loading />}>
      <Page />
    </Suspense>
  );
}

export function App() {
  return (
    <ModelProvider>
      <LiveProvider>
        <AppShell>
          <CurrentPage />
        </AppShell>
      </LiveProvider>
    </ModelProvider>
  );
}
