/**
 * The Slack scopes and events the surface uses, and why; `slack/manifest.yaml` must list exactly these
 * (a test compares them), so the app asks workspaces for nothing it does not need.
 */

/** Bot token scopes, each with the calls or events that need it. */
export const SLACK_BOT_SCOPES: Readonly<Record<string, string>> = {
  'app_mentions:read': 'app_mention events',
  'channels:history': 'message.channels (follow-ups in threads), conversations.history/replies',
  'groups:history': 'message.groups, conversations.history/replies in private channels',
  'im:history': 'message.im (direct messages), conversations.history in DMs',
  'chat:write': 'chat.postMessage, chat.update, chat.postEphemeral',
  commands: 'the /analyst slash command',
  'files:write': 'files.uploadV2 (charts, CSV, SQL)',
  'files:read': 'files.uploadV2 (files.completeUploadExternal)',
};

/** Bot events the app subscribes to. */
export const SLACK_BOT_EVENTS: readonly string[] = [
  'app_mention',
  'message.channels',
  'message.groups',
  'message.im',
];
