// A slider over a numeric range that hands back numbers (the DOM gives strings).

export interface NumericRange {
  min: number;
  max: number;
  step: number;
}

interface RangeInputProps {
  /** Accessible name: a slider often sits in a label with other controls. */
  label: string;
  range: NumericRange;
  value: number;
  onChange: (value: number) => void;
  className?: string;
}

export function RangeInput({ label, range, value, onChange, className }: RangeInputProps) {
  return (
    <input
      type="range"
      {...range}
      value={value}
      onChange={(event) => onChange(Number(event.target.value))}
      aria-label={label}
      className={className}
    />
  );
}
