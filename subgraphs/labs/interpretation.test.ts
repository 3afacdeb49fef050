import { interpret } from "./interpretation.js";

describe("interpret", () => {
  const potassium = { low: 3.5, high: 5.3, criticalLow: 2.5, criticalHigh: 6.5 };
  it("classifies against the reference range, inclusive at the limits", () => {
    expect(interpret(4.1, potassium)).toBe("NORMAL");
    expect(interpret(3.5, potassium)).toBe("NORMAL");
    expect(interpret(5.3, potassium)).toBe("NORMAL");
    expect(interpret(5.4, potassium)).toBe("HIGH");
    expect(interpret(3.4, potassium)).toBe("LOW");
  });
  it("flags critical values at or beyond the critical limits", () => {
    expect(interpret(6.5, potassium)).toBe("CRITICAL_HIGH");
    expect(interpret(2.5, potassium)).toBe("CRITICAL_LOW");
  });
  it("handles one-sided ranges", () => {
    expect(interpret(12, { low: null, high: 5 })).toBe("HIGH");
    expect(interpret(0, { low: null, high: 5 })).toBe("NORMAL");
    expect(interpret(50, { low: 60, high: null })).toBe("LOW");
  });
});
