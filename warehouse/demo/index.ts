/**
 * The demo warehouse generator: `generateDemoWarehouse` fills every warehouse table for (seed, scale, now);
 * the address encoders/validators, the AML definitions behind the planted ground truth and the static
 * catalogues are exported for the risk tools, the semantic layer and tests. The simulation internals
 * (activity, planting, chain graph, buffers) are left out on purpose: nothing outside the generator
 * should depend on how the data is made, only on what it contains.
 */
export type { Chain } from './addresses.js';
export {
  base58CheckDecode,
  base58CheckEncode,
  base58Decode,
  base58Encode,
  bitcoinBase58Address,
  bitcoinBech32Address,
  CHAINS,
  chainsOfAddress,
  eip55Checksum,
  ethereumAddress,
  isValidAddress,
  isValidBitcoinAddress,
  isValidEthereumAddress,
  isValidSolanaAddress,
  isValidTronAddress,
  keccak256,
  segwitDecode,
  segwitEncode,
  solanaAddress,
  transactionHash,
  tronAddress,
} from './addresses.js';
export type { AmlScenario, TransferFact } from './aml-scenarios.js';
export {
  AML_DEFINITIONS,
  AML_SCENARIOS,
  AML_WINDOW_DAYS,
  dormantReactivationMatch,
  HIGH_RISK_JURISDICTIONS,
  highRiskJurisdictionMatch,
  NEAR_MISS_KINDS,
  OUTLIER_KINDS,
  rapidMovementMatch,
  roundTrips,
  structuringMatch,
} from './aml-scenarios.js';
export { GENERATOR_VERSION } from './build.js';
export type { Banking77Row } from './feedback.js';
export { FEEDBACK_CHANNELS, readBanking77, SPIKE_INTENT, sentimentOf } from './feedback.js';
export type { DemoWarehouseOptions, DemoWarehouseResult } from './generate.js';
export { DEMO_TABLES, generateDemoWarehouse } from './generate.js';
export type { HighRiskJurisdiction } from './geography.js';
export { ADDRESS_LABEL_KINDS, TAINTED_LABELS } from './labels.js';
export type { Asset, Country, Market, Product } from './reference-data.js';
export { ASSETS, COUNTRIES, MARKETS, PLATFORMS, PRODUCTS, TRADE_PRODUCTS } from './reference-data.js';
