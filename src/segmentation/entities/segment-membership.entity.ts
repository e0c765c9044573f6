import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A customer's features, scores and group in one run. Written in bulk by SQL, read through this entity. */
/*
 * (shop_id, run_id, customer_id) identifies a row; the database enforces it by construction rather than with a
 * unique index (see migrations/1764248400000-LeanRunTables.ts).
 */
@Entity('segment_memberships')
export class SegmentMembership {
  @PrimaryColumn({ name: 'shop_id', type: 'integer' }) shopId!: number;
  @PrimaryColumn({ name: 'run_id', type: 'bigint' }) runId!: string;
  @PrimaryColumn({ name: 'customer_id', type: 'text' }) customerId!: string;
  @Column({ name: 'recency_days', type: 'integer' }) recencyDays!: number;
  @Column({ type: 'integer' }) frequency!: number;
  @Column({ type: 'numeric', precision: 14, scale: 2 }) monetary!: string;
  @Column({ type: 'numeric', precision: 14, scale: 2 }) aov!: string;
  @Column({ name: 'first_order_at', type: 'timestamptz' }) firstOrderAt!: Date;
  @Column({ name: 'last_order_at', type: 'timestamptz' }) lastOrderAt!: Date;
  @Column({ name: 'returns_rate', type: 'real' }) returnsRate!: number;
  @Column({ name: 'discount_share', type: 'real' }) discountShare!: number;
  @Column({ name: 'full_price_share', type: 'real' }) fullPriceShare!: number;
  @Column({ name: 'category_count', type: 'integer' }) categoryCount!: number;
  @Column({ type: 'text', nullable: true }) country!: string | null;
  @Column({ name: 'email_consent', type: 'text' }) emailConsent!: string;
  @Column({ name: 'sms_consent', type: 'text' }) smsConsent!: string;
  @Column({ type: 'smallint' }) r!: number;
  @Column({ type: 'smallint' }) f!: number;
  @Column({ type: 'smallint' }) m!: number;
  @Column({ name: 'rfm_score', type: 'smallint' }) rfmScore!: number;
  @Column({ name: 'u_r', type: 'double precision' }) uR!: number;
  @Column({ name: 'u_f', type: 'double precision' }) uF!: number;
  @Column({ name: 'u_m', type: 'double precision' }) uM!: number;
  @Column({ name: 'rfm_group', type: 'text' }) rfmGroup!: string;
}
