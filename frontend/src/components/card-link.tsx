// The "all … →" link in a card's header, to the page that shows everything the card samples.
import type { ReactNode } from "react";
import { Link } from "../lib/router";

export function CardLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Link to={to} className="text-xs text-sky-300 hover:underline">
      {children} →
    </Link>
  );
}
