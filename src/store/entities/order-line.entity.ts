import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('order_lines')
export class OrderLine {
  @PrimaryColumn({ name: 'shop_id', type: 'integer' }) shopId!: number;
  @PrimaryColumn({ name: 'order_id', type: 'text' }) orderId!: string;
  @PrimaryColumn({ name: 'line_no', type: 'integer' }) lineNo!: number;
  @Column({ name: 'product_id', type: 'text', nullable: true }) productId!: string | null;
  @Column({ type: 'text', nullable: true }) sku!: string | null;
  @Column({ type: 'text' }) title!: string;
  @Column({ name: 'product_type', type: 'text', nullable: true }) productType!: string | null;
  @Column({ type: 'integer' }) quantity!: number;
  @Column({ type: 'numeric', precision: 14, scale: 2 }) price!: string;
  @Column({ name: 'compare_at_price', type: 'numeric', precision: 14, scale: 2, nullable: true })
  compareAtPrice!: string | null;
  @Column({ name: 'discount_amount', type: 'numeric', precision: 14, scale: 2 }) discountAmount!: string;
}
