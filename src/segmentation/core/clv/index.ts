/**
 * Predicted customer lifetime value, the pure core: summaries from transactions (summary.ts), BG/NBD for
 * orders and P(alive) (bg-nbd.ts), Gamma-Gamma for order value (gamma-gamma.ts), and per-customer
 * predictions with the store-level checks (clv.ts). No I/O: callers read orders and write results.
 */
export {
  bgNbdLogLikelihood,
  expectedPurchases,
  expectedPurchasesNewCustomer,
  fitBgNbd,
  medianTimeToNextPurchase,
  probabilityAlive,
  type BgNbdFit,
  type BgNbdParameters,
} from './bg-nbd';
export {
  DEFAULT_HORIZON_DAYS,
  DEFAULT_MINIMUM_CUSTOMERS,
  DEFAULT_MINIMUM_HISTORY_DAYS,
  DEFAULT_MINIMUM_REPEAT_CUSTOMERS,
  DEFAULT_NEXT_ORDER_HORIZON_DAYS,
  fitClvModel,
  NotEnoughHistoryError,
  predictCustomerValues,
  scoreCustomers,
  type ClvModel,
  type ClvOptions,
  type CustomerValuePrediction,
  type NotEnoughHistoryReason,
  type ValueScores,
} from './clv';
export {
  expectedOrderValue,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  type GammaGammaFit,
  type GammaGammaParameters,
} from './gamma-gamma';
export {
  DEFAULT_DAYS_PER_UNIT,
  summariseTransactions,
  toColumns,
  transactionsFromOrders,
  type CustomerSummary,
  type SummaryColumns,
  type SummaryOptions,
  type Transaction,
} from './summary';
