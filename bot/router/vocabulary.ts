/**
 * Words for slot filling: assets, dimension names used in "by …" phrases, and the closed value lists of
 * DESIGN.md (products, platforms, chains, feedback channels, sentiments). Data only; the matching logic
 * lives in `slots.ts`.
 */
import type { DimensionName } from '../../warehouse/semantic/index.js';

/** One asset of the demo exchange and the ways staff write it. */
export interface AssetEntry {
  readonly symbol: string;
  /** Lower-case names and symbols that count in any case ("bitcoin", "btc"). */
  readonly anyCase: readonly string[];
  /**
   * Forms that count only as written, in upper case, because in lower case they are English words
   * ("LINK" vs "link", "NEAR" vs "near", "TON" vs "a ton of").
   */
  readonly upperOnly: readonly string[];
}

/** The ~30 assets of DESIGN.md / issue 3. "ethereum", "bitcoin" and "solana" may also be chains (see slots). */
export const ASSETS: readonly AssetEntry[] = [
  { symbol: 'BTC', anyCase: ['btc', 'xbt', 'bitcoin', 'bitcoins', 'bitcon', "bitcoin's"], upperOnly: [] },
  {
    symbol: 'ETH',
    anyCase: ['eth', 'ether', 'ethereum', 'etherium', 'etherum', "ethereum's"],
    upperOnly: [],
  },
  { symbol: 'SOL', anyCase: ['sol', 'solana', "solana's"], upperOnly: [] },
  { symbol: 'XRP', anyCase: ['xrp', 'ripple'], upperOnly: [] },
  { symbol: 'BNB', anyCase: ['bnb', 'binance coin'], upperOnly: [] },
  { symbol: 'DOGE', anyCase: ['doge', 'dogecoin', 'dogecoins'], upperOnly: [] },
  { symbol: 'ADA', anyCase: ['ada', 'cardano'], upperOnly: [] },
  { symbol: 'TRX', anyCase: ['trx'], upperOnly: [] },
  { symbol: 'AVAX', anyCase: ['avax', 'avalanche'], upperOnly: [] },
  { symbol: 'LINK', anyCase: ['chainlink'], upperOnly: ['LINK'] },
  { symbol: 'DOT', anyCase: ['polkadot'], upperOnly: ['DOT'] },
  { symbol: 'POL', anyCase: ['polygon', 'matic'], upperOnly: ['POL'] },
  { symbol: 'ARB', anyCase: ['arbitrum'], upperOnly: ['ARB'] },
  { symbol: 'OP', anyCase: ['optimism'], upperOnly: ['OP'] },
  { symbol: 'PEPE', anyCase: ['pepe'], upperOnly: [] },
  { symbol: 'SHIB', anyCase: ['shib', 'shiba inu', 'shiba'], upperOnly: [] },
  { symbol: 'LTC', anyCase: ['ltc', 'litecoin'], upperOnly: [] },
  { symbol: 'TON', anyCase: ['toncoin'], upperOnly: ['TON'] },
  { symbol: 'SUI', anyCase: ['sui'], upperOnly: [] },
  { symbol: 'APT', anyCase: ['aptos'], upperOnly: ['APT'] },
  { symbol: 'NEAR', anyCase: ['near protocol'], upperOnly: ['NEAR'] },
  { symbol: 'ATOM', anyCase: ['cosmos'], upperOnly: ['ATOM'] },
  { symbol: 'UNI', anyCase: ['uniswap'], upperOnly: ['UNI'] },
  { symbol: 'AAVE', anyCase: ['aave'], upperOnly: [] },
  { symbol: 'USDT', anyCase: ['usdt', 'tether'], upperOnly: [] },
  { symbol: 'USDC', anyCase: ['usdc', 'usd coin'], upperOnly: [] },
];

/** Every asset symbol, for market parsing ("BTCUSDT" = BTC + USDT). */
export const ASSET_SYMBOLS: ReadonlySet<string> = new Set(ASSETS.map((asset) => asset.symbol));

/** Quote currencies of markets, longest first so "FDUSD" wins over "USD". */
export const QUOTE_ASSETS = [
  'FDUSD',
  'USDT',
  'USDC',
  'BUSD',
  'USD',
  'BTC',
  'ETH',
  'BNB',
  'EUR',
  'TRY',
  'BRL',
] as const;

/** Products (DESIGN.md dimension `product`). */
export type Product = 'spot' | 'futures' | 'margin' | 'earn';
/** Platforms (DESIGN.md dimension `platform`). */
export type Platform = 'web' | 'ios' | 'android' | 'api';
/** Feedback channels (DESIGN.md dimension `channel`). */
export type Channel = 'app_review' | 'support_chat' | 'email' | 'social';
/** Feedback sentiments (DESIGN.md dimension `sentiment`). */
export type Sentiment = 'positive' | 'neutral' | 'negative';
/** Trade sides (DESIGN.md dimension `side`). */
export type Side = 'buy' | 'sell';
/** Chains (DESIGN.md dimension `chain` and `address_profile.chain`). */
export type Chain = 'ethereum' | 'bitcoin' | 'bsc' | 'tron' | 'solana';

/** A dimension named in "by …" / "per …" / "top 5 …" phrases, or the ambiguous word "level". */
export type DimensionWord = DimensionName | 'level';

/**
 * Words that name a dimension after "by", "per", "split by", "top N", "which" (lower case; spaces match
 * any whitespace). "level" alone is ambiguous between `kyc_level` and `vip_tier`.
 */
export const DIMENSION_WORDS: Readonly<Record<string, DimensionWord>> = {
  country: 'country',
  countries: 'country',
  ctry: 'country',
  cntry: 'country',
  contries: 'country',
  countires: 'country',
  coutries: 'country',
  jurisdiction: 'country',
  jurisdictions: 'country',
  nation: 'country',
  nations: 'country',
  nationality: 'country',
  geo: 'country',
  geography: 'country',
  geographies: 'country',
  region: 'country',
  regions: 'country',
  location: 'country',
  locations: 'country',
  'country of residence': 'country',
  platform: 'platform',
  platforms: 'platform',
  platfrom: 'platform',
  platfroms: 'platform',
  'device type': 'platform',
  'device types': 'platform',
  device: 'platform',
  devices: 'platform',
  os: 'platform',
  'operating system': 'platform',
  client: 'platform',
  clients: 'platform',
  app: 'platform',
  apps: 'platform',
  product: 'product',
  products: 'product',
  'product line': 'product',
  'product lines': 'product',
  'product type': 'product',
  'product types': 'product',
  'business line': 'product',
  'business lines': 'product',
  asset: 'asset',
  assets: 'asset',
  'base asset': 'asset',
  coin: 'asset',
  coins: 'asset',
  token: 'asset',
  tokens: 'asset',
  currency: 'asset',
  currencies: 'asset',
  crypto: 'asset',
  cryptos: 'asset',
  symbol: 'asset',
  symbols: 'asset',
  market: 'market',
  markets: 'market',
  pair: 'market',
  pairs: 'market',
  'trading pair': 'market',
  'trading pairs': 'market',
  instrument: 'market',
  instruments: 'market',
  side: 'side',
  sides: 'side',
  'trade side': 'side',
  direction: 'side',
  'buy/sell': 'side',
  'buy vs sell': 'side',
  'buy and sell': 'side',
  'buys and sells': 'side',
  'buys vs sells': 'side',
  chain: 'chain',
  chains: 'chain',
  network: 'chain',
  networks: 'chain',
  blockchain: 'chain',
  blockchains: 'chain',
  channel: 'channel',
  channels: 'channel',
  'feedback channel': 'channel',
  'feedback channels': 'channel',
  source: 'channel',
  sources: 'channel',
  sentiment: 'sentiment',
  sentiments: 'sentiment',
  tone: 'sentiment',
  'kyc level': 'kyc_level',
  'kyc levels': 'kyc_level',
  'kyc tier': 'kyc_level',
  'kyc tiers': 'kyc_level',
  'verification level': 'kyc_level',
  'verification levels': 'kyc_level',
  kyc: 'kyc_level',
  'vip tier': 'vip_tier',
  'vip tiers': 'vip_tier',
  'vip level': 'vip_tier',
  'vip levels': 'vip_tier',
  'vip status': 'vip_tier',
  vip: 'vip_tier',
  tier: 'vip_tier',
  tiers: 'vip_tier',
  'fee tier': 'vip_tier',
  'fee tiers': 'vip_tier',
  level: 'level',
  levels: 'level',
};
