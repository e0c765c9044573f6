/**
 * Where each part of a sync plan being read has got to. Every part comes in add_key order (byte order of
 * UTF-8: the plan sorts with COLLATE "C", which a locale's collation would not match, as it ignores
 * punctuation), so once a part has handed over a row with key k it has no more rows with a key before k.
 * A key is settled when every part is past it or finished: the import job holding the rest of that group's
 * profiles can go out then, while the plan is still read, instead of with every other group's at the end.
 */
export class PlanProgress {
  private readonly at: Array<string | null>;
  private readonly finished: boolean[];

  constructor(parts: number) {
    this.at = new Array<string | null>(parts).fill(null);
    this.finished = new Array<boolean>(parts).fill(false);
  }

  /** Part `part` has handed over every row up to one with key `addKey`. */
  reached(part: number, addKey: string): void {
    this.at[part] = addKey;
  }

  /** Part `part` has handed over all its rows. */
  finish(part: number): void {
    this.finished[part] = true;
  }

  /** Whether no part can hand over a row with key `addKey` any more. */
  settled(addKey: string): boolean {
    return this.at.every((at, part) => this.finished[part] || (at !== null && compareAddKeys(at, addKey) > 0));
  }
}

/** Byte order of the keys' UTF-8, which is the order of their code points (not of JavaScript's UTF-16 units). */
export function compareAddKeys(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
