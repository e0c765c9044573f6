/** What a sync reports while it works; the command line draws it, tests and the HTTP service ignore it. */
export interface SyncProgress {
  /** A new phase ("profiles", "removals", "events"), with its amount of work when known. */
  phase(label: string, total?: number): void;
  advance(n: number): void;
  status(figures: { jobsPending?: number; rateLimitWaits?: number; removed?: number }): void;
  done(message: string): void;
}

export const SILENT_PROGRESS: SyncProgress = {
  phase: () => undefined,
  advance: () => undefined,
  status: () => undefined,
  done: () => undefined,
};
