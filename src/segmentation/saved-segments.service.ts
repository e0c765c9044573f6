import { DataSource } from 'typeorm';
import { ShopsRepository } from '../shops/shops.repository';
import { SavedSegmentsRepository, checkQuery, type SavedSegment, type SegmentPreview } from './saved-segments.repository';
import { NoFinishedRunError } from './segment-reports.service';
import { SegmentRunRepository } from './segment-run.repository';

export class InvalidSegmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSegmentError';
  }
}

export class SegmentNotFoundError extends Error {
  constructor(domain: string, key: string) {
    super(`Shop ${domain} has no saved segment '${key}'`);
    this.name = 'SegmentNotFoundError';
  }
}

export interface SegmentDefinition {
  key: string;
  name?: string;
  description?: string | null;
  query: string;
}

const KEY = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * Custom segments from the merchant's queries: preview (count and a sample, in SQL, at the shop's latest
 * run), save, list, remove. Saved segments, with the catalogue, are re-evaluated at every segment run.
 */
export class SavedSegmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shops: ShopsRepository,
  ) {}

  async preview(domain: string | null, query: string, sampleSize = 10): Promise<SegmentPreview & { runNumber: number }> {
    const shop = await this.shops.resolve(domain);
    checkQuery(query);
    const run = await new SegmentRunRepository(this.dataSource).latestSucceededRun(shop.id);
    if (!run) throw new NoFinishedRunError(shop.domain);
    const preview = await new SavedSegmentsRepository(this.dataSource).preview(shop.id, run.id, run.asOf, query, sampleSize);
    return { runNumber: run.runNumber, ...preview };
  }

  async save(domain: string | null, definition: SegmentDefinition): Promise<SavedSegment> {
    const shop = await this.shops.resolve(domain);
    if (!KEY.test(definition.key)) {
      throw new InvalidSegmentError(
        `key: '${definition.key}' is not a segment key (lower-case letters, digits, _ and -, at most 63, such as vip_france)`,
      );
    }
    checkQuery(definition.query);
    const saved = await new SavedSegmentsRepository(this.dataSource).save(shop.id, {
      key: definition.key,
      name: definition.name?.trim() || definition.key,
      description: definition.description ?? null,
      query: definition.query,
      source: 'custom',
    });
    if (!saved) throw new InvalidSegmentError(`key: '${definition.key}' is a catalogue segment; choose another key`);
    return saved;
  }

  async list(domain: string | null): Promise<SavedSegment[]> {
    const shop = await this.shops.resolve(domain);
    return new SavedSegmentsRepository(this.dataSource).list(shop.id);
  }

  async remove(domain: string | null, key: string): Promise<void> {
    const shop = await this.shops.resolve(domain);
    const segments = new SavedSegmentsRepository(this.dataSource);
    const existing = (await segments.list(shop.id)).find((segment) => segment.key === key);
    if (!existing) throw new SegmentNotFoundError(shop.domain, key);
    if (existing.source === 'catalogue') throw new InvalidSegmentError(`'${key}' is a catalogue segment and cannot be removed`);
    await segments.remove(shop.id, key);
  }
}
