import { createProgress, type Progress } from '../reporting/progress';
import type { SegmentRunStep } from '../segmentation/segment-run.service';

const STEPS: SegmentRunStep[] = ['features', 'clustering', 'values', 'memberships', 'diff', 'segments', 'summary'];

/** A segment run's progress: its steps as a bar on a terminal, as plain lines elsewhere (on stderr). */
export function createRunProgress() {
  // Started at the first step: the demo creates it before generating the store, whose time is not the run's.
  let started: Progress | undefined;
  const progress = () => (started ??= createProgress({ label: 'segment run', total: STEPS.length, unit: 'steps' }));
  return {
    step: (step: SegmentRunStep) => {
      progress().update(`segment run: ${step}`);
      progress().set(STEPS.indexOf(step));
    },
    done: (customers: number) => {
      progress().update('segment run');
      progress().set(STEPS.length);
      progress().done(`${customers.toLocaleString('en-US')} customers segmented`);
    },
  };
}
