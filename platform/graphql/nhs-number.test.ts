import { isValidNhsNumber, nhsCheckDigit, normaliseNhsNumber, testNhsNumber } from "./nhs-number.js";

describe("NHS number Modulus 11", () => {
  it("accepts published valid examples", () => {
    // 943 476 5919 is the NHS Digital worked example; 999 range numbers are test numbers.
    expect(isValidNhsNumber("9434765919")).toBe(true);
    expect(isValidNhsNumber("9990000018")).toBe(true);
  });

  it("rejects a wrong check digit, wrong length and non-digits", () => {
    expect(isValidNhsNumber("9434765918")).toBe(false);
    expect(isValidNhsNumber("943476591")).toBe(false);
    expect(isValidNhsNumber("94347659190")).toBe(false);
    expect(isValidNhsNumber("94347659a9")).toBe(false);
    expect(isValidNhsNumber("")).toBe(false);
  });

  it("treats a remainder giving 10 as never valid", () => {
    // Find a stem whose check digit would be 10 and prove no digit completes it.
    let stem = 100000000;
    while (nhsCheckDigit(String(stem)) !== null) stem++;
    for (let d = 0; d <= 9; d++) expect(isValidNhsNumber(`${stem}${d}`)).toBe(false);
  });

  it("maps a check of 11 to 0", () => {
    let stem = 100000000;
    while (nhsCheckDigit(String(stem)) !== 0) stem++;
    expect(isValidNhsNumber(`${stem}0`)).toBe(true);
  });

  it("normalises the printed form", () => {
    expect(normaliseNhsNumber("943 476 5919")).toBe("9434765919");
    expect(normaliseNhsNumber("943-476-5919")).toBe("9434765919");
    expect(normaliseNhsNumber("943 476 5918")).toBeNull();
  });

  it("generates distinct valid 999-range test numbers in order", () => {
    const numbers = Array.from({ length: 5000 }, (_, i) => testNhsNumber(i));
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const n of numbers) {
      expect(n.startsWith("999")).toBe(true);
      expect(isValidNhsNumber(n)).toBe(true);
    }
    expect([...numbers].sort()).toEqual(numbers);
    expect(() => testNhsNumber(-1)).toThrow(RangeError);
  });
});
