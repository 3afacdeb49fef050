// FHIR-style interpretation of a numeric result against its reference range. Critical limits are
// set per test (the laboratory's telephone thresholds); without them only H/L are possible.
export type Interpretation = "NORMAL" | "HIGH" | "LOW" | "CRITICAL_HIGH" | "CRITICAL_LOW";

export interface Range {
  low: number | null;
  high: number | null;
  criticalLow?: number | null;
  criticalHigh?: number | null;
}

export function interpret(value: number, range: Range): Interpretation {
  if (range.criticalLow != null && value <= range.criticalLow) return "CRITICAL_LOW";
  if (range.criticalHigh != null && value >= range.criticalHigh) return "CRITICAL_HIGH";
  if (range.low != null && value < range.low) return "LOW";
  if (range.high != null && value > range.high) return "HIGH";
  return "NORMAL";
}
