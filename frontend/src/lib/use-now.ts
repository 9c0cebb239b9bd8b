// The current time, re-rendering every `intervalMs`: keeps "3 min ago" labels true.
import { useEffect, useState } from "react";

export function useNow(intervalMs = 5_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
