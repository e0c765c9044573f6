import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type SegmentRunStatus = 'running' | 'succeeded' | 'failed';

/** One immutable, numbered segmentation of a shop's customers. */
@Entity('segment_runs')
export class SegmentRun {
  /** bigserial: pg returns int8 as a string. */
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'shop_id', type: 'integer' }) shopId!: number;
  @Column({ name: 'run_number', type: 'integer' }) runNumber!: number;
  @Column({ type: 'text' }) status!: SegmentRunStatus;
  @Column({ name: 'as_of', type: 'timestamptz' }) asOf!: Date;
  @Column({ type: 'jsonb' }) parameters!: Record<string, unknown>;
  @Column({ type: 'jsonb', nullable: true }) model!: Record<string, unknown> | null;
  @Column({ type: 'jsonb', nullable: true }) summary!: Record<string, unknown> | null;
  @Column({ name: 'previous_run_id', type: 'bigint', nullable: true }) previousRunId!: string | null;
  @Column({ type: 'integer', nullable: true }) customers!: number | null;
  @Column({ type: 'integer', nullable: true }) orders!: number | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ name: 'started_at', type: 'timestamptz' }) startedAt!: Date;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
}
