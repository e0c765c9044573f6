import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A customer whose RFM group (family 'rfm') or VIP tier (family 'vip') differs from the previous run;
 * null from = entered, null to = left.
 */
/*
 * (shop_id, run_id, customer_id, family) identifies a row; the database enforces it by construction rather than
 * with a unique index (see migrations/1764248400000-LeanRunTables.ts).
 */
@Entity('segment_changes')
export class SegmentChange {
  @PrimaryColumn({ name: 'shop_id', type: 'integer' }) shopId!: number;
  @PrimaryColumn({ name: 'run_id', type: 'bigint' }) runId!: string;
  @PrimaryColumn({ name: 'customer_id', type: 'text' }) customerId!: string;
  @PrimaryColumn({ name: 'family', type: 'text', default: 'rfm' }) family!: 'rfm' | 'vip';
  @Column({ name: 'from_group', type: 'text', nullable: true }) fromGroup!: string | null;
  @Column({ name: 'to_group', type: 'text', nullable: true }) toGroup!: string | null;
  /** The customer's RFM score at this run; null for a customer who left the run. */
  @Column({ name: 'rfm_score', type: 'smallint', nullable: true }) rfmScore!: number | null;
}
