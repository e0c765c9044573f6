import { createProgress, type Progress, type ProgressOptions } from '../../reporting/progress';
import type { ShopifyResource } from '../core/bulk-failures';
import type { ImportProgress } from './import-context';

/**
 * One progress line for a Shopify import whose resources may run at the same time: the label says where
 * each resource is (`import: customers done, orders writing, checkouts exporting`), the count is the
 * records written so far across all of them. Redrawn in place on a terminal, plain lines elsewhere.
 */
export class ImportProgressLine {
  private readonly phases = new Map<ShopifyResource, string>();
  private readonly written = new Map<ShopifyResource, number>();
  private readonly progress: Progress;

  constructor(options: Pick<ProgressOptions, 'stream'> = {}) {
    this.progress = createProgress({ label: 'import', unit: 'records', ...options });
  }

  report({ resource, phase, count }: ImportProgress): void {
    if (this.phases.get(resource) !== phase) {
      this.phases.set(resource, phase);
      this.progress.update(this.label());
    }
    if (phase !== 'exporting') this.written.set(resource, count);
    this.progress.set([...this.written.values()].reduce((sum, n) => sum + n, 0));
  }

  /** After the import: the final line, with the count of each resource. */
  done(): void {
    const counts = [...this.written].map(([resource, n]) => `${n.toLocaleString('en-US')} ${resource}`);
    this.progress.update('import');
    this.progress.done(counts.length > 0 ? counts.join(', ') : 'nothing to import');
  }

  private label(): string {
    return `import: ${[...this.phases].map(([resource, phase]) => `${resource} ${phase}`).join(', ')}`;
  }
}
