/** The Slack surface (Bolt, HTTP or Socket Mode) and its Block Kit rendering. */
export type { SlackBlock, SlackMessage } from './blocks.js';
export { escapeMrkdwn, renderSlackMessage, SLACK_LIMITS, tableCsvFile } from './blocks.js';
export { SLACK_BOT_EVENTS, SLACK_BOT_SCOPES } from './scopes.js';
export type { SlackSurface, SlackSurfaceOptions } from './slack-surface.js';
export { createSlackSurface, slackRetryAfterMs } from './slack-surface.js';
