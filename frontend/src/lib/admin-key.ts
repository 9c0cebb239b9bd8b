// The admin API key: taken from `#key=…` in the URL, kept in localStorage, editable in the header.
import { useSyncExternalStore } from "react";

export const ADMIN_KEY_STORAGE = "driftscope.adminKey";

const listeners = new Set<() => void>();

function readStorage(): string | null {
  try {
    return window.localStorage.getItem(ADMIN_KEY_STORAGE);
  } catch {
    return null; // storage disabled (private mode, sandboxed iframe)
  }
}

export function getAdminKey(): string | null {
  const key = readStorage();
  return key && key.trim() ? key.trim() : null;
}

export function setAdminKey(key: string | null): void {
  try {
    if (key && key.trim()) window.localStorage.setItem(ADMIN_KEY_STORAGE, key.trim());
    else window.localStorage.removeItem(ADMIN_KEY_STORAGE);
  } catch {
    // nothing to do: the key just won't survive a reload
  }
  listeners.forEach((listener) => listener());
}

/** Store `key=…` from the URL fragment and remove it from the address bar (and history). */
export function captureAdminKeyFromHash(): boolean {
  const hash = window.location.hash.replace(/^#/, "");
  if (!hash) return false;
  const params = new URLSearchParams(hash);
  const key = params.get("key");
  if (!key) return false;
  setAdminKey(key);
  params.delete("key");
  const rest = params.toString();
  const url = `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ""}`;
  window.history.replaceState(window.history.state, "", url);
  return true;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === ADMIN_KEY_STORAGE) listener();
  };
  window.addEventListener("storage", onStorage); // another tab changed it
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

export function useAdminKey(): string | null {
  return useSyncExternalStore(subscribe, getAdminKey, () => null);
}
