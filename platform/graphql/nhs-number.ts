// NHS number: 10 digits, the last a Modulus 11 check digit over the first nine (weights 10..2).
// A remainder giving 10 means the number can never be valid.

export function nhsCheckDigit(firstNine: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  const check = nhsCheckDigit(value.slice(0, 9));
  return check !== null && check === Number(value[9]);
}

/** Accepts the printed form "999 123 4560" as well; returns the 10 bare digits or null. */
export function normaliseNhsNumber(value: string): string | null {
  const compact = value.replace(/[\s-]/g, "");
  return isValidNhsNumber(compact) ? compact : null;
}

const testNumbers: string[] = [];
let nextStem = 999_000_000;

/**
 * The n-th (0-based) valid NHS number in the 999 range, which is reserved for test data and never
 * issued to a person. About 909,000 exist, enough for England's care home population twice over.
 */
export function testNhsNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError("n must be a non-negative integer");
  while (testNumbers.length <= n) {
    if (nextStem > 999_999_999) throw new RangeError("the 999 test range is exhausted");
    const stem = String(nextStem++);
    const check = nhsCheckDigit(stem);
    if (check !== null) testNumbers.push(stem + check);
  }
  return testNumbers[n]!;
}
