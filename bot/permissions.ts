import { z } from 'zod';
import type { Asker, Role } from '../tools/define-tool.js';

/** Roles, least to most trusted. */
export const ROLES = ['support', 'analyst', 'compliance', 'admin'] as const satisfies readonly Role[];

/** Per tool: roles that may use it, and whether it may only run in a configured private channel. */
export interface ToolPermission {
  readonly roles: readonly Role[];
  readonly privateChannelsOnly?: boolean;
}

/** Default permissions: customer-level and AML tools are for compliance; aggregate tools for everyone. */
export const DEFAULT_TOOL_PERMISSIONS: Readonly<Record<string, ToolPermission>> = {
  metric_query: { roles: ['analyst', 'compliance', 'support', 'admin'] },
  metric_forecast: { roles: ['analyst', 'compliance', 'support', 'admin'] },
  describe_data: { roles: ['analyst', 'compliance', 'support', 'admin'] },
  feedback_search: { roles: ['analyst', 'compliance', 'support', 'admin'] },
  feedback_summary: { roles: ['analyst', 'compliance', 'support', 'admin'] },
  similar_items: { roles: ['analyst', 'compliance', 'support', 'admin'] },
  recommend_for_user: { roles: ['analyst', 'compliance', 'admin'] },
  sql_query: { roles: ['analyst', 'compliance', 'admin'] },
  alerts_list: { roles: ['analyst', 'compliance', 'admin'] },
  user_profile: { roles: ['compliance', 'admin'], privateChannelsOnly: true },
  anomaly_scan: { roles: ['compliance', 'admin'], privateChannelsOnly: true },
  address_profile: { roles: ['compliance', 'admin'], privateChannelsOnly: true },
};

/** Access configuration, from `analyst.config.json` key `access` (all optional). */
export const accessConfigSchema = z.object({
  /** Surface user id → role, e.g. {"slack:U123": "compliance", "discord:4567": "support"}. */
  users: z.record(z.string(), z.enum(['analyst', 'compliance', 'support', 'admin'])).default({}),
  /** Role for people not listed. */
  defaultRole: z.enum(['analyst', 'compliance', 'support', 'admin']).default('analyst'),
  /** Channels where private tools may run, e.g. ["slack:C0PRIVATE", "discord:123"]. The terminal always counts as private. */
  privateChannels: z.array(z.string()).default([]),
  /** Overrides of {@link DEFAULT_TOOL_PERMISSIONS}. */
  tools: z
    .record(
      z.string(),
      z.object({
        roles: z.array(z.enum(['analyst', 'compliance', 'support', 'admin'])),
        privateChannelsOnly: z.boolean().optional(),
      }),
    )
    .default({}),
});
export type AccessConfig = z.infer<typeof accessConfigSchema>;

/** The outcome of a permission check. */
export type PermissionDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: string };

/** Decides who may use which tool where. */
export interface AccessPolicy {
  /** The role of a surface user. */
  roleOf(surface: string, userId: string): Role;
  /** Whether the asker may use the tool here; a refusal names the missing role or the channel rule. */
  check(tool: string, asker: Asker): PermissionDecision;
  /** Tools this asker may use (offered to an LLM). */
  allowedTools(asker: Asker): string[];
}

/** Creates the access policy. */
export function createAccessPolicy(config: Partial<AccessConfig> = {}): AccessPolicy {
  const access = accessConfigSchema.parse(config);
  const permissions: Record<string, ToolPermission> = { ...DEFAULT_TOOL_PERMISSIONS };
  for (const [tool, permission] of Object.entries(access.tools)) {
    permissions[tool] = {
      roles: permission.roles,
      ...(permission.privateChannelsOnly === undefined
        ? {}
        : { privateChannelsOnly: permission.privateChannelsOnly }),
    };
  }
  const privateChannels = new Set(access.privateChannels);
  const isPrivate = (asker: Asker): boolean =>
    asker.surface === 'cli' ||
    asker.surface === 'test' ||
    asker.surface === 'bench' ||
    (asker.channel !== undefined && privateChannels.has(`${asker.surface}:${asker.channel}`));
  const policy: AccessPolicy = {
    roleOf(surface, userId) {
      return access.users[`${surface}:${userId}`] ?? access.defaultRole;
    },
    check(tool, asker) {
      const permission = permissions[tool];
      if (!permission) return { allowed: false, reason: `The ${tool} tool is not configured for anyone.` };
      if (!permission.roles.includes(asker.role)) {
        const needed = permission.roles.filter((role) => role !== 'admin');
        return {
          allowed: false,
          reason: `Not allowed: ${tool} needs the ${(needed.length ? needed : permission.roles).join(' or ')} role, and you have the ${asker.role} role. Ask an admin to grant it${
            asker.surface === 'cli' ? ' (in the terminal: --role or ANALYST_ROLE)' : ''
          }.`,
        };
      }
      if (permission.privateChannelsOnly && !isPrivate(asker)) {
        return {
          allowed: false,
          reason: `Not allowed here: ${tool} shows customer-level data and runs only in the configured private channels or in a direct message.`,
        };
      }
      return { allowed: true };
    },
    allowedTools(asker) {
      return Object.keys(permissions).filter((tool) => policy.check(tool, asker).allowed);
    },
  };
  return policy;
}
