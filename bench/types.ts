/**
 * A benchmark reports ratios against a reference measured in the same run, never a bare time:
 * `ratio` = ours / reference for throughput-like values (higher is better) or as `detail` says.
 */
export interface BenchResult {
  readonly name: string;
  readonly ratio: number;
  /** How to read the ratio, with the raw measurements. */
  readonly detail: string;
  /** The goal stated by the issue, if any, e.g. `>= 0.8`. */
  readonly goal?: string;
}

export interface BenchModule {
  run(): Promise<readonly BenchResult[]>;
}
