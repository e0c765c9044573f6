import { InitialSchema1764230400000 } from './1764230400000-InitialSchema';
import { EmailPlaceholderIndex1764234000000 } from './1764234000000-EmailPlaceholderIndex';
import { SegmentsBeyondRfm1764237600000 } from './1764237600000-SegmentsBeyondRfm';
import { VipBaseTier1764244800000 } from './1764244800000-VipBaseTier';
import { LeanRunTables1764248400000 } from './1764248400000-LeanRunTables';
import { OrderLinesWithoutForeignKey1764252000000 } from './1764252000000-OrderLinesWithoutForeignKey';
import { ShopCredentials1764255600000 } from './1764255600000-ShopCredentials';
import { ShopifySyncState1764300000000 } from './1764300000000-ShopifySyncState';
import { WebhooksAndCompliance1764310000000 } from './1764310000000-WebhooksAndCompliance';
import { DeletedRecords1764310000001 } from './1764310000001-DeletedRecords';
import { KlaviyoSync1764320000000 } from './1764320000000-KlaviyoSync';
import { UnloggedSyncPlan1764330000000 } from './1764330000000-UnloggedSyncPlan';
import { EventsPerSegment1764340000000 } from './1764340000000-EventsPerSegment';
import { PlanPropertiesAsColumns1764350000000 } from './1764350000000-PlanPropertiesAsColumns';
import { TrendLinesIndex1764360000000 } from './1764360000000-TrendLinesIndex';
import { RunCustomerValues1764370000000 } from './1764370000000-RunCustomerValues';
import { RunFeatures1764380000000 } from './1764380000000-RunFeatures';
import { LedgerWithoutForeignKey1764390000000 } from './1764390000000-LedgerWithoutForeignKey';
import { SyncDepartures1764400000000 } from './1764400000000-SyncDepartures';
import { DeparturesInMemory1764410000000 } from './1764410000000-DeparturesInMemory';
import { ChangeScores1764420000000 } from './1764420000000-ChangeScores';
import { LastSegmentChange1764430000000 } from './1764430000000-LastSegmentChange';
import { ImportJobsUncompressed1764440000000 } from './1764440000000-ImportJobsUncompressed';

/** Every migration, oldest first; the data source applies the pending ones on start. */
export const MIGRATIONS = [
  InitialSchema1764230400000,
  EmailPlaceholderIndex1764234000000,
  SegmentsBeyondRfm1764237600000,
  VipBaseTier1764244800000,
  LeanRunTables1764248400000,
  OrderLinesWithoutForeignKey1764252000000,
  ShopCredentials1764255600000,
  ShopifySyncState1764300000000,
  WebhooksAndCompliance1764310000000,
  DeletedRecords1764310000001,
  KlaviyoSync1764320000000,
  UnloggedSyncPlan1764330000000,
  EventsPerSegment1764340000000,
  PlanPropertiesAsColumns1764350000000,
  TrendLinesIndex1764360000000,
  RunCustomerValues1764370000000,
  RunFeatures1764380000000,
  LedgerWithoutForeignKey1764390000000,
  SyncDepartures1764400000000,
  DeparturesInMemory1764410000000,
  ChangeScores1764420000000,
  LastSegmentChange1764430000000,
  ImportJobsUncompressed1764440000000,
];
