// Page title with a one-sentence explanation for a first-time visitor.
import type { ReactNode } from "react";

export function PageHeader({
  title,
  children,
  aside,
}: {
  title: string;
  children: ReactNode;
  aside?: ReactNode;
}) {
  return (
    <div className="mb-5 flex flex-wrap items-end justify-between gap-3">
      <div className="max-w-3xl">
        <h1 className="text-2xl font-semibold tracking-tight text-white">{title}</h1>
        <p className="mt-1 text-sm leading-relaxed text-slate-400">{children}</p>
      </div>
      {aside}
    </div>
  );
}
