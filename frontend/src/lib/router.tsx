// A tiny history router: the backend serves index.html for unknown paths, so real URLs work.
import {
  type AnchorHTMLAttributes,
  type MouseEvent,
  useCallback,
  useSyncExternalStore,
} from "react";

const NAVIGATE_EVENT = "driftscope:navigate";
/** The query parameter naming the model every page shows (absent: the default model). */
export const MODEL_PARAM = "model";

function subscribe(listener: () => void): () => void {
  window.addEventListener("popstate", listener);
  window.addEventListener(NAVIGATE_EVENT, listener);
  return () => {
    window.removeEventListener("popstate", listener);
    window.removeEventListener(NAVIGATE_EVENT, listener);
  };
}

const currentHref = () => `${window.location.pathname}${window.location.search}`;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === currentHref()) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

export interface RouterLocation {
  pathname: string;
  search: URLSearchParams;
}

export function useLocation(): RouterLocation {
  const href = useSyncExternalStore(subscribe, currentHref, () => "/");
  const url = new URL(href, "http://local");
  return { pathname: url.pathname, search: url.searchParams };
}

/** One query parameter as state; setting it replaces the history entry (no back-button spam). */
export function useSearchParam(name: string): [string | null, (value: string | null) => void] {
  const { pathname, search } = useLocation();
  const value = search.get(name);
  const setValue = useCallback(
    (next: string | null) => {
      const params = new URLSearchParams(window.location.search);
      if (next === null) params.delete(name);
      else params.set(name, next);
      const query = params.toString();
      navigate(`${pathname}${query ? `?${query}` : ""}`, { replace: true });
    },
    [name, pathname],
  );
  return [value, setValue];
}

/** An in-app path with the current page's `?model=` kept, unless the path names a model itself. */
export function keepModel(to: string): string {
  const model = new URLSearchParams(window.location.search).get(MODEL_PARAM);
  if (model === null || !to.startsWith("/")) return to;
  const url = new URL(to, "http://local");
  if (url.searchParams.has(MODEL_PARAM)) return to;
  url.searchParams.set(MODEL_PARAM, model);
  return `${url.pathname}${url.search}${url.hash}`;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

/** An in-app link; it keeps the chosen model (`?model=`), so every page shows the same model. */
export function Link({ to: path, onClick, ...rest }: LinkProps) {
  useLocation(); // re-render when the chosen model changes, so the href follows it
  const to = keepModel(path);
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    const modified =
      event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0;
    if (event.defaultPrevented || modified || rest.target === "_blank") return;
    event.preventDefault();
    navigate(to);
    window.scrollTo({ top: 0 });
  };
  return <a href={to} onClick={handleClick} {...rest} />;
}
