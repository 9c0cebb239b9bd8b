// A titled panel; every chart and table on the dashboard sits in one.
import type { ReactNode } from "react";

interface CardProps {
  title?: ReactNode;
  /** One line saying what the panel shows and how to read it. */
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}

export function Card({ title, subtitle, actions, children, className = "" }: CardProps) {
  return (
    <section
      className={`min-w-0 rounded-xl bg-slate-900/70 p-4 ring-1 ring-slate-800 sm:p-5 ${className}`}
    >
      {(title || actions) && (
        <header className="mb-3 flex flex-wrap items-start justify-between gap-2">
          <div className="min-w-0 flex-1">
            {title && <h2 className="text-sm font-semibold text-slate-100">{title}</h2>}
            {subtitle && (
              <p className="mt-0.5 text-xs leading-relaxed text-slate-400">{subtitle}</p>
            )}
          </div>
          {actions && <div className="flex shrink-0 items-center gap-2">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}
