// The dashboard's action buttons (admin actions, simulator commands): one look per role.
import type { ButtonHTMLAttributes } from "react";

const SIZES = {
  md: "rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-40",
  // Inline in a card header, next to a table.
  sm: "rounded-md px-2.5 py-1 text-xs font-medium disabled:opacity-50",
} as const;

const PLAIN = "text-slate-300 ring-1 ring-slate-700";

const TONES = {
  primary: "bg-sky-600 text-white hover:bg-sky-500",
  /** Destructive or overriding a safeguard: inject drift, force past a failed gate. */
  danger: "bg-red-600 text-white hover:bg-red-500",
  /** Changes what live traffic gets: canary, rollback. */
  caution: "bg-amber-600 text-white hover:bg-amber-500",
  cautionOutline: "text-amber-200 ring-1 ring-amber-500/40 hover:bg-amber-500/10",
  solid: "bg-slate-600 text-white hover:bg-slate-500",
  secondary: "bg-slate-800 text-slate-100 ring-1 ring-slate-600 hover:bg-slate-700",
  outline: `${PLAIN} hover:bg-slate-800`,
  plain: PLAIN,
} as const;

export type ButtonTone = keyof typeof TONES;

interface ActionButtonProps extends Omit<
  ButtonHTMLAttributes<HTMLButtonElement>,
  "type" | "className"
> {
  tone: ButtonTone;
  size?: keyof typeof SIZES;
}

export function ActionButton({ tone, size = "md", ...props }: ActionButtonProps) {
  return <button type="button" {...props} className={`${SIZES[size]} ${TONES[tone]}`} />;
}
