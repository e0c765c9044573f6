/**
 * Cuts a stream of serialized items into request bodies within Klaviyo's per-request limits (a bulk
 * profile import: at most 10,000 profiles and 5 MB; a bulk event job: 1,000 events and 5 MB). Sizes are
 * measured on the bytes actually sent: the item's JSON plus its separating comma, plus the envelope.
 */
export interface ChunkLimits {
  maxItems: number;
  maxBytes: number;
  /** Bytes of the body around the items (type, attributes, relationships...), counted once per chunk. */
  envelopeBytes: number;
}

export const MB = 1024 * 1024;
export const PROFILE_IMPORT_LIMITS = { maxItems: 10_000, maxBytes: 5 * MB } as const;
export const EVENT_BULK_LIMITS = { maxItems: 1_000, maxBytes: 5 * MB } as const;
/** Klaviyo's largest accepted profile in a bulk import. */
export const MAX_PROFILE_BYTES = 100 * 1024;

export interface Chunk<T> {
  items: T[];
  bytes: number;
}

export class JobChunker<T> {
  private items: T[] = [];
  private bytes: number;

  constructor(private readonly limits: ChunkLimits) {
    if (limits.envelopeBytes >= limits.maxBytes) throw new Error('the envelope alone exceeds the size limit');
    this.bytes = limits.envelopeBytes;
  }

  /**
   * Adds an item of `itemBytes` serialized bytes; returns the chunk that had to be closed to make room for
   * it, or null. An item that alone exceeds the limit is refused (the caller records it as an error).
   */
  add(item: T, itemBytes: number): Chunk<T> | null {
    const cost = itemBytes + (this.items.length > 0 ? 1 : 0);
    if (this.limits.envelopeBytes + itemBytes > this.limits.maxBytes) {
      throw new RangeError(`an item of ${itemBytes} bytes cannot fit in a ${this.limits.maxBytes}-byte request`);
    }
    let closed: Chunk<T> | null = null;
    if (this.items.length >= this.limits.maxItems || this.bytes + cost > this.limits.maxBytes) closed = this.flush();
    this.bytes += itemBytes + (this.items.length > 0 ? 1 : 0);
    this.items.push(item);
    return closed;
  }

  /** The open chunk (null when empty); the chunker starts afresh. */
  flush(): Chunk<T> | null {
    if (this.items.length === 0) return null;
    const chunk = { items: this.items, bytes: this.bytes };
    this.items = [];
    this.bytes = this.limits.envelopeBytes;
    return chunk;
  }
}
