import { SegmentChange } from '../segmentation/entities/segment-change.entity';
import { SegmentMembership } from '../segmentation/entities/segment-membership.entity';
import { SegmentRun } from '../segmentation/entities/segment-run.entity';
import { Shop } from '../shops/shop.entity';
import { Checkout } from '../store/entities/checkout.entity';
import { Customer } from '../store/entities/customer.entity';
import { OrderLine } from '../store/entities/order-line.entity';
import { Order } from '../store/entities/order.entity';

export const ENTITIES = [Shop, Customer, Order, OrderLine, Checkout, SegmentRun, SegmentMembership, SegmentChange];
