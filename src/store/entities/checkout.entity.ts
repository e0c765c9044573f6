import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('checkouts')
export class Checkout {
  @PrimaryColumn({ name: 'shop_id', type: 'integer' }) shopId!: number;
  @PrimaryColumn({ name: 'checkout_id', type: 'text' }) checkoutId!: string;
  @Column({ name: 'customer_id', type: 'text', nullable: true }) customerId!: string | null;
  @Column({ type: 'text', nullable: true }) email!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt!: Date | null;
  @Column({ name: 'total_price', type: 'numeric', precision: 14, scale: 2 }) totalPrice!: string;
  @Column({ type: 'text' }) currency!: string;
  @Column({ name: 'recovery_url', type: 'text', nullable: true }) recoveryUrl!: string | null;
  @Column({ type: 'text', array: true }) categories!: string[];
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
