import { z } from 'zod';
import { InvalidInputError } from '../core/errors.js';
import { canSeePii, maskAddress, maskEmail, maskName, maskPhone } from '../core/pii.js';
import { defaultRiskConfig, type UserRiskSection, userRiskSection } from '../models/risk/index.js';
import { defineTool, type ExecutedSql, runAuditedQuery } from './define-tool.js';
import { auditedQuery, auditedSource } from './risk-source.js';

/** Input of `user_profile`. */
export const userProfileInput = z.object({
  user_id: z
    .number()
    .int()
    .positive()
    .max(2_147_483_647)
    .describe('Exchange user id (integer). Example: 48213'),
});

/** A user's identity as shown: PII masked unless the asker's role allows it. */
export interface UserIdentity {
  readonly userId: number;
  readonly fullName: string;
  readonly email: string;
  readonly phone: string | null;
  readonly address: string | null;
  readonly country: string;
  readonly kycLevel: number;
  readonly vipTier: number;
  readonly status: string;
  readonly platform: string;
  readonly createdAt: string;
  readonly masked: boolean;
}

/** Totals of one kind of activity over a window. */
export interface ActivityTotals {
  readonly count: number;
  readonly usd: number;
  readonly first: string | null;
  readonly last: string | null;
}

/** Result of `user_profile`. */
export interface UserProfileResult {
  readonly kind: 'user_profile';
  readonly user: UserIdentity;
  readonly kyc: {
    status: string;
    level: number;
    submittedAt: string;
    decidedAt: string | null;
    rejectReason: string | null;
  }[];
  readonly trading: {
    windowDays: number;
    last30Days: ActivityTotals;
    lifetime: ActivityTotals;
    topAssets: { asset: string; usd: number }[];
  };
  readonly flows: {
    deposits30Days: ActivityTotals;
    withdrawals30Days: ActivityTotals;
    depositsLifetime: ActivityTotals;
    withdrawalsLifetime: ActivityTotals;
    netLifetimeUsd: number;
  };
  readonly recentLogins: { at: string; ip: string; device: string; country: string; platform: string }[];
  readonly devices: { device: string; logins: number; otherAccounts: number }[];
  /** Risk score, open flags with evidence, behavioural features and linked accounts (models/risk). */
  readonly risk: UserRiskSection;
  readonly sql: ExecutedSql[];
}

interface TotalsRow {
  count: number;
  usd: number | null;
  first: string | null;
  last: string | null;
}

const toTotals = (row: TotalsRow | undefined): ActivityTotals => ({
  count: Number(row?.count ?? 0),
  usd: Number(row?.usd ?? 0),
  first: row?.first ?? null,
  last: row?.last ?? null,
});

/** `user_profile`: KYC state, trading and flow totals, recent logins and devices of one user. */
export const userProfileTool = defineTool({
  name: 'user_profile',
  description:
    'Profile one exchange user by id: KYC state and history, trading volume, deposits and withdrawals, net flows, recent logins and devices (with other accounts on the same device), and risk: a risk score, open AML flags with evidence, behavioural features and accounts linked by shared devices, IPs or addresses. Contact details are masked unless the asker may see PII.',
  input: userProfileInput,
  async run(input, context): Promise<UserProfileResult> {
    const sql: ExecutedSql[] = [];
    const query = async <Row>(text: string, params: readonly unknown[]): Promise<Row[]> => {
      const { rows, executed } = await runAuditedQuery<Row>(context, 'user_profile', text, params);
      sql.push(executed);
      return rows;
    };
    const userId = input.user_id;
    const [user] = await query<{
      user_id: number;
      email: string;
      phone: string | null;
      full_name: string;
      address: string | null;
      country: string;
      kyc_level: number;
      vip_tier: number;
      status: string;
      platform: string;
      created_at: string;
    }>(
      'SELECT user_id, email, phone, full_name, address, country, kyc_level, vip_tier, status, platform, created_at FROM users WHERE user_id = $1',
      [userId],
    );
    if (!user) throw new InvalidInputError('user_unknown', `There is no user ${userId} in the warehouse.`);
    const since30 = new Date(context.now.getTime() - 30 * 86_400_000).toISOString();
    const now = context.now.toISOString();
    const showPii = canSeePii(context.asker.role);
    const kyc = await query<{
      status: string;
      kyc_level: number;
      submitted_at: string;
      decided_at: string | null;
      reject_reason: string | null;
    }>(
      'SELECT status, kyc_level, submitted_at, decided_at, reject_reason FROM kyc_reviews WHERE user_id = $1 ORDER BY submitted_at DESC LIMIT 10',
      [userId],
    );
    const totals = (table: string, amount: string, time: string, extra = ''): string =>
      `SELECT COUNT(*) AS count, SUM(${amount}) AS usd, MIN(${time}) AS first, MAX(${time}) AS last FROM ${table} WHERE user_id = $1 AND ${time} < $2${extra}`;
    const [trading30] = await query<TotalsRow>(
      totals('trades', 'notional_usd', 'executed_at', ' AND executed_at >= $3'),
      [userId, now, since30],
    );
    const [tradingAll] = await query<TotalsRow>(totals('trades', 'notional_usd', 'executed_at'), [
      userId,
      now,
    ]);
    const topAssets = await query<{ asset: string; usd: number }>(
      'SELECT asset, SUM(notional_usd) AS usd FROM trades WHERE user_id = $1 AND executed_at < $2 GROUP BY asset ORDER BY usd DESC LIMIT 5',
      [userId, now],
    );
    const completed = " AND status = 'completed'";
    const [deposits30] = await query<TotalsRow>(
      totals('deposits', 'amount_usd', 'created_at', `${completed} AND created_at >= $3`),
      [userId, now, since30],
    );
    const [withdrawals30] = await query<TotalsRow>(
      totals('withdrawals', 'amount_usd', 'created_at', `${completed} AND created_at >= $3`),
      [userId, now, since30],
    );
    const [depositsAll] = await query<TotalsRow>(totals('deposits', 'amount_usd', 'created_at', completed), [
      userId,
      now,
    ]);
    const [withdrawalsAll] = await query<TotalsRow>(
      totals('withdrawals', 'amount_usd', 'created_at', completed),
      [userId, now],
    );
    const logins = await query<{
      created_at: string;
      ip: string;
      device_id: string;
      country: string;
      platform: string;
    }>(
      'SELECT created_at, ip, device_id, country, platform FROM logins WHERE user_id = $1 AND created_at < $2 ORDER BY created_at DESC LIMIT 10',
      [userId, now],
    );
    const devices = await query<{ device_id: string; logins: number; other_accounts: number }>(
      `SELECT l.device_id, COUNT(*) AS logins,
         (SELECT COUNT(DISTINCT o.user_id) FROM logins o WHERE o.device_id = l.device_id AND o.user_id <> $1) AS other_accounts
       FROM logins l WHERE l.user_id = $1 GROUP BY l.device_id ORDER BY logins DESC LIMIT 10`,
      [userId],
    );
    const { thresholds, highRisk } = defaultRiskConfig();
    const risk = await userRiskSection(
      auditedSource(context, 'user_profile', sql),
      auditedQuery(context, 'user_profile', sql, context.app),
      { userId, now: context.now, thresholds, highRisk },
    );
    const depositsLifetime = toTotals(depositsAll);
    const withdrawalsLifetime = toTotals(withdrawalsAll);
    return {
      kind: 'user_profile',
      user: {
        userId: user.user_id,
        fullName: showPii ? user.full_name : maskName(user.full_name),
        email: showPii ? user.email : maskEmail(user.email),
        phone: user.phone === null ? null : showPii ? user.phone : maskPhone(user.phone),
        address: user.address === null ? null : showPii ? user.address : maskAddress(user.address),
        country: user.country,
        kycLevel: user.kyc_level,
        vipTier: user.vip_tier,
        status: user.status,
        platform: user.platform,
        createdAt: user.created_at,
        masked: !showPii,
      },
      kyc: kyc.map((row) => ({
        status: row.status,
        level: row.kyc_level,
        submittedAt: row.submitted_at,
        decidedAt: row.decided_at,
        rejectReason: row.reject_reason,
      })),
      trading: { windowDays: 30, last30Days: toTotals(trading30), lifetime: toTotals(tradingAll), topAssets },
      flows: {
        deposits30Days: toTotals(deposits30),
        withdrawals30Days: toTotals(withdrawals30),
        depositsLifetime,
        withdrawalsLifetime,
        netLifetimeUsd: depositsLifetime.usd - withdrawalsLifetime.usd,
      },
      recentLogins: logins.map((row) => ({
        at: row.created_at,
        ip: row.ip,
        device: row.device_id,
        country: row.country,
        platform: row.platform,
      })),
      devices: devices.map((row) => ({
        device: row.device_id,
        logins: Number(row.logins),
        otherAccounts: Number(row.other_accounts),
      })),
      risk,
      sql,
    };
  },
});
