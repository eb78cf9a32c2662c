/** Every threshold the detector uses, with its default. The server maps environment variables onto these. */
export interface DetectorSettings {
  /** Repeats of one statement under one parent that make an N+1. */
  minRepeats: number;
  /** Ignore groups whose repeats cost less than this beyond one query (ms). */
  minWastedMs: number;
  /** Spans kept as evidence per finding. */
  maxSampleSpans: number;
}

export const defaultDetectorSettings: DetectorSettings = {
  minRepeats: 5,
  minWastedMs: 0,
  maxSampleSpans: 200,
};
