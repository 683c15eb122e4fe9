/** The Discord surface (HTTP interactions endpoint, discord.js REST), its rendering and command registration. */
export type { DiscordSurface, DiscordSurfaceOptions, Interaction } from './discord-surface.js';
export { createDiscordSurface, EPHEMERAL, INTERACTION_TYPE, RESPONSE_TYPE } from './discord-surface.js';
export type { DiscordFile, DiscordMessage } from './messages.js';
export {
  customId,
  DISCORD_LIMITS,
  EMBED_COLOR,
  nonceFor,
  parseCustomId,
  renderDiscordMessage,
} from './messages.js';
export type { RegisterCommandsOptions } from './register-commands.js';
export { discordCommands, registerDiscordCommands } from './register-commands.js';
export type { InteractionVerifier } from './verify.js';
export { createInteractionVerifier } from './verify.js';
