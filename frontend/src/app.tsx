// The dashboard: live stream provider, shell and the page for the current URL.
import { Suspense } from "react";
import { AppShell } from "./components/app-shell";
import { EmptyState, Loading } from "./components/empty-state";
import { LiveProvider } from "./lib/live-context";
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
    <LiveProvider>
      <AppShell>
        <CurrentPage />
      </AppShell>
    </LiveProvider>
  );
}
