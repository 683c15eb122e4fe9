/**
 * In-memory column buffers for the big tables, filled by the simulation and drained by the loader.
 * Row order here is generation order; the loader sorts by time and assigns ids, so a row is referred to
 * by its buffer index until then.
 */
import { float64Column, int32Column, uint8Column, uint16Column } from './columns.js';

/** `trades` columns; enumerations index MARKETS, TRADE_PRODUCTS, PLATFORMS. */
export class TradeBuffer {
  readonly user = int32Column(1 << 16);
  readonly time = float64Column(1 << 16);
  readonly market = uint8Column(1 << 16);
  readonly product = uint8Column(1 << 16);
  /** 0 buy, 1 sell. */
  readonly side = uint8Column(1 << 16);
  readonly price = float64Column(1 << 16);
  readonly quantity = float64Column(1 << 16);
  readonly notional = float64Column(1 << 16);
  readonly fee = float64Column(1 << 16);
  readonly platform = uint8Column(1 << 16);

  get length(): number {
    return this.user.length;
  }
}

/** Status codes of deposits and withdrawals. */
export const TRANSFER_STATUSES = ['completed', 'pending', 'failed', 'cancelled'] as const;

/** `deposits` (with `from`) and `withdrawals` (`from` unused) columns. */
export class TransferBuffer {
  readonly user = int32Column();
  readonly time = float64Column();
  readonly asset = uint8Column();
  readonly chain = uint8Column();
  readonly amount = float64Column();
  readonly amountUsd = float64Column();
  readonly platform = uint8Column();
  readonly status = uint8Column();
  readonly from: string[] = [];
  readonly to: string[] = [];
  readonly txHash: string[] = [];

  get length(): number {
    return this.user.length;
  }
}

/** `logins` columns; `ip` holds the IPv4 address as a signed 32-bit pattern. */
export class LoginBuffer {
  readonly user = int32Column(1 << 14);
  readonly time = float64Column(1 << 14);
  readonly ip = int32Column(1 << 14);
  readonly device = int32Column(1 << 14);
  readonly country = uint8Column(1 << 14);
  readonly platform = uint8Column(1 << 14);

  get length(): number {
    return this.user.length;
  }
}

/** Event types of `user_events`. */
export const EVENT_TYPES = ['view', 'trade', 'subscribe'] as const;

/** `user_events` columns; `item` indexes assets first, then products. */
export class EventBuffer {
  readonly user = int32Column(1 << 16);
  readonly time = float64Column(1 << 16);
  readonly item = uint16Column(1 << 16);
  readonly type = uint8Column(1 << 16);

  get length(): number {
    return this.user.length;
  }

  push(user: number, time: number, item: number, type: number): void {
    this.user.push(user);
    this.time.push(time);
    this.item.push(item);
    this.type.push(type);
  }
}

/** KYC review statuses. */
export const KYC_STATUSES = ['approved', 'rejected', 'pending'] as const;

/** `kyc_reviews` columns; `decided` is NaN while pending. */
export class KycBuffer {
  readonly user = int32Column();
  readonly level = uint8Column();
  readonly status = uint8Column();
  readonly submitted = float64Column();
  readonly decided = float64Column();
  readonly reason = uint8Column();

  get length(): number {
    return this.user.length;
  }
}

/** `chain_transfers` columns. */
export class ChainTransferBuffer {
  readonly chain = uint8Column();
  readonly asset = uint8Column();
  readonly amount = float64Column();
  readonly amountUsd = float64Column();
  readonly time = float64Column();
  readonly from: string[] = [];
  readonly to: string[] = [];
  readonly txHash: string[] = [];

  get length(): number {
    return this.chain.length;
  }
}
