// A table of rows that scrolls sideways on narrow screens, with the dashboard's header style.
import type { ReactNode } from "react";

interface DataTableProps {
  /** A Tailwind min-width class (e.g. "min-w-[640px]"): narrower screens scroll the table. */
  minWidth: string;
  /** The header cells (`HeaderCell`s). */
  head: ReactNode;
  /** The body rows. */
  children: ReactNode;
}

export function DataTable({ minWidth, head, children }: DataTableProps) {
  // On phones the table bleeds to the screen edge (-mx-4), so the outer cells pad themselves.
  return (
    <div className="-mx-4 overflow-x-auto sm:mx-0">
      <table className={`w-full ${minWidth} text-left text-sm`}>
        <thead className="text-xs uppercase tracking-wide text-slate-400">
          <tr className="border-b border-slate-800">{head}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** Horizontal padding of a cell by its place in the row (the outer ones meet the screen edge). */
export const CELL_EDGE = {
  first: "pl-4 pr-3 sm:pl-0",
  inner: "px-3",
  last: "pl-3 pr-4 sm:pr-0",
} as const;

interface HeaderCellProps {
  edge?: keyof typeof CELL_EDGE;
  /** Right-aligned, over a column of numbers. */
  numeric?: boolean;
  /** Hover text saying what the column means. */
  title?: string;
  className?: string;
  children?: ReactNode;
}

export function HeaderCell({
  edge = "inner",
  numeric = false,
  title,
  className,
  children,
}: HeaderCellProps) {
  const classes = ["py-2 font-medium", CELL_EDGE[edge], numeric && "text-right", className];
  return (
    <th className={classes.filter(Boolean).join(" ")} title={title}>
      {children}
    </th>
  );
}
