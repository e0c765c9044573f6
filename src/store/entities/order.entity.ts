import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Money columns are numeric(14,2); pg returns them as strings, so they are typed as such. */
@Entity('orders')
export class Order {
  @PrimaryColumn({ name: 'shop_id', type: 'integer' }) shopId!: number;
  @PrimaryColumn({ name: 'order_id', type: 'text' }) orderId!: string;
  @Column({ type: 'text', nullable: true }) name!: string | null;
  @Column({ name: 'customer_id', type: 'text', nullable: true }) customerId!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'financial_status', type: 'text' }) financialStatus!: string;
  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true }) cancelledAt!: Date | null;
  @Column({ type: 'text' }) currency!: string;
  @Column({ type: 'numeric', precision: 14, scale: 2 }) subtotal!: string;
  @Column({ name: 'total_discounts', type: 'numeric', precision: 14, scale: 2 }) totalDiscounts!: string;
  @Column({ name: 'total_price', type: 'numeric', precision: 14, scale: 2 }) totalPrice!: string;
  @Column({ name: 'total_refunded', type: 'numeric', precision: 14, scale: 2 }) totalRefunded!: string;
  @Column({ name: 'discount_codes', type: 'text', array: true }) discountCodes!: string[];
  @Column({ name: 'shipping_country', type: 'text', nullable: true }) shippingCountry!: string | null;
  @Column({ name: 'item_quantity', type: 'integer' }) itemQuantity!: number;
  @Column({ name: 'full_price_quantity', type: 'integer' }) fullPriceQuantity!: number;
  @Column({ type: 'text', array: true }) categories!: string[];
  /** The import that last wrote the order: rows of one import that share an order id are merged. */
  @Column({ name: 'import_id', type: 'text', nullable: true }) importId!: string | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
