import { describe, expect, it } from "vitest";
import { sampleNote, verdictLabel, verdictTone } from "./explain";

describe("explain display", () => {
  it("names each verdict and says which are reported, which a threshold away", () => {
    expect(verdictLabel("below_min_repeats")).toBe("Short loop");
    expect(verdictLabel("pagination")).toBe("Pagination");
    expect(verdictTone("reported")).toBe("hot");
    expect(verdictTone("nested")).toBe("hot");
    expect(verdictTone("below_min_wasted_ms")).toBe("near");
    expect(verdictTone("cached")).toBe("calm");
  });

  it("warns when the sample is full or was stored without the judged facts", () => {
    expect(sampleNote({ spans: 17, maxSampleSpans: 200, complete: true })).toBeNull();
    expect(sampleNote({ spans: 200, maxSampleSpans: 200, complete: true })).toContain("the most kept");
    expect(sampleNote({ spans: 12, maxSampleSpans: 200, complete: false })).toContain("older n1radar");
  });
});
