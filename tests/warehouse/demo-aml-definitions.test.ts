import { describe, expect, it } from 'vitest';
import {
  dormantReactivationMatch,
  HIGH_RISK_JURISDICTIONS,
  highRiskJurisdictionMatch,
  rapidMovementMatch,
  roundTrips,
  structuringMatch,
  type TransferFact,
} from '../../warehouse/demo/aml-scenarios.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (days: number, amountUsd: number, status = 0): TransferFact => ({
  time: days * DAY,
  amountUsd,
  status,
});

describe('structuring definition', () => {
  it('needs four completed band deposits within 168 hours', () => {
    const four = [at(10, 9_000), at(11, 9_999.99), at(14, 9_500), at(17, 9_800)];
    expect(structuringMatch(four, 0, 100 * DAY)).toHaveLength(4);
    // The span is inclusive at 168 h and exclusive beyond it.
    expect(structuringMatch([...four.slice(0, 3), at(17 + 1e-6, 9_800)], 0, 100 * DAY)).toBeUndefined();
    // 10,000 is the threshold itself, outside the band; failed deposits do not count.
    expect(structuringMatch([...four.slice(0, 3), at(12, 10_000)], 0, 100 * DAY)).toBeUndefined();
    expect(structuringMatch([...four.slice(0, 3), at(12, 9_100, 2)], 0, 100 * DAY)).toBeUndefined();
    // All four must be in the window.
    expect(structuringMatch(four, 10.5 * DAY, 100 * DAY)).toBeUndefined();
  });
});

describe('rapid movement definition', () => {
  const trip = (day: number, minutes: number, ratio: number): [TransferFact, TransferFact] => [
    at(day, 10_000),
    { time: day * DAY + minutes * 60_000, amountUsd: 10_000 * ratio, status: 0 },
  ];

  it('pairs a deposit with a withdrawal of at least 90% within two hours', () => {
    const [deposit, withdrawal] = trip(1, 120, 0.9);
    expect(roundTrips([deposit], [withdrawal])).toHaveLength(1);
    const [, late] = trip(1, 121, 0.95);
    const [, small] = trip(1, 30, 0.89);
    expect(roundTrips([deposit], [late, small])).toHaveLength(0);
  });

  it('needs three round trips whose deposits lie within 14 days', () => {
    const trips = [trip(1, 30, 0.95), trip(5, 30, 0.95), trip(15, 30, 0.95)];
    expect(
      rapidMovementMatch(
        trips.map(([d]) => d),
        trips.map(([, w]) => w),
        0,
        100 * DAY,
      ),
    ).toHaveLength(3);
    const spread = [trip(1, 30, 0.95), trip(5, 30, 0.95), trip(15.01, 30, 0.95)];
    expect(
      rapidMovementMatch(
        spread.map(([d]) => d),
        spread.map(([, w]) => w),
        0,
        100 * DAY,
      ),
    ).toBeUndefined();
  });
});

describe('dormant reactivation definition', () => {
  it('needs a 365-day gap and a transfer of at least 90% of the balance within 7 days', () => {
    const deposits = [at(0, 5_000)];
    const drain = { time: 400 * DAY + HOUR, amountUsd: 4_500, status: 0 };
    const activity = [0, 10 * DAY, 400 * DAY, drain.time];
    expect(dormantReactivationMatch(activity, deposits, [drain], 300 * DAY, 500 * DAY)?.balanceUsd).toBe(
      5_000,
    );
    expect(
      dormantReactivationMatch(activity, deposits, [{ ...drain, amountUsd: 4_499 }], 300 * DAY, 500 * DAY),
    ).toBeUndefined();
    // A gap of 364 days is not dormancy.
    expect(
      dormantReactivationMatch([0, 36 * DAY, 400 * DAY, drain.time], deposits, [drain], 300 * DAY, 500 * DAY),
    ).toBeUndefined();
    // The transfer must follow within 7 days of the reactivation.
    const later = { ...drain, time: 407 * DAY + HOUR };
    expect(
      dormantReactivationMatch([0, 10 * DAY, 400 * DAY, later.time], deposits, [later], 300 * DAY, 500 * DAY),
    ).toBeUndefined();
  });
});

describe('high-risk jurisdiction definition', () => {
  it('needs a listed login country other than the KYC country and a completed transfer', () => {
    expect(HIGH_RISK_JURISDICTIONS.codes.has('IR')).toBe(true);
    expect(HIGH_RISK_JURISDICTIONS.source).toBe(
      'FATF high-risk and other monitored jurisdictions (public statement)',
    );
    const logins = [{ time: 5 * DAY, country: 'IR' }];
    expect(highRiskJurisdictionMatch(logins, 'DE', [at(6, 1_000)], 0, 10 * DAY)).toBe(true);
    expect(highRiskJurisdictionMatch(logins, 'DE', [at(6, 1_000, 2)], 0, 10 * DAY)).toBe(false);
    expect(highRiskJurisdictionMatch(logins, 'DE', [], 0, 10 * DAY)).toBe(false);
    expect(
      highRiskJurisdictionMatch([{ time: 5 * DAY, country: 'VN' }], 'VN', [at(6, 1_000)], 0, 10 * DAY),
    ).toBe(false);
    expect(
      highRiskJurisdictionMatch([{ time: 5 * DAY, country: 'TH' }], 'DE', [at(6, 1_000)], 0, 10 * DAY),
    ).toBe(false);
  });
});
