/**
 * Registers the bot's slash commands with Discord, once, from a script (not on every start: Discord
 * rate-limits command creation, and global commands take a while to propagate).
 *
 *   node --import tsx bot/discord/register-commands.ts            # global commands
 *   node --import tsx bot/discord/register-commands.ts --guild ID # one server, instantly (for testing)
 *
 * Reads DISCORD_TOKEN and DISCORD_APPLICATION_ID from the environment (or analyst.config.json).
 */
import { pathToFileURL } from 'node:url';
import { REST, Routes } from 'discord.js';
import { loadConfig } from '../../core/config.js';
import { ConfigurationError } from '../../core/errors.js';

/** Application command types and option types of the Discord API (v10). */
const CHAT_INPUT = 1;
const STRING_OPTION = 3;
/** Contexts: in servers, in the bot's DMs, in private channels. */
const INSTALL_CONTEXTS = [0, 1, 2];

/** The command definitions: `/ask question:<text>`. */
export function discordCommands(commandName = 'ask'): Record<string, unknown>[] {
  return [
    {
      name: commandName,
      type: CHAT_INPUT,
      description: 'Ask the exchange analyst a question about trading, KYC/AML, on-chain data or feedback',
      options: [
        {
          name: 'question',
          type: STRING_OPTION,
          description: 'e.g. trading volume by country last week',
          required: true,
          max_length: 1000,
        },
      ],
      contexts: INSTALL_CONTEXTS,
    },
  ];
}

/** Options of {@link registerDiscordCommands}. */
export interface RegisterCommandsOptions {
  readonly applicationId: string;
  readonly token: string;
  /** Register in one server only (instant) instead of globally. */
  readonly guildId?: string;
  /** REST base URL (tests). Default `https://discord.com/api`. */
  readonly api?: string;
  readonly commandName?: string;
}

/**
 * Overwrites the application's commands with {@link discordCommands} (a bulk PUT: running it twice
 * leaves one `/ask`). Returns the registered names.
 */
export async function registerDiscordCommands(options: RegisterCommandsOptions): Promise<string[]> {
  const rest = new REST({ version: '10', ...(options.api ? { api: options.api } : {}) }).setToken(
    options.token,
  );
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
    : Routes.applicationCommands(options.applicationId);
  const registered = (await rest.put(route, { body: discordCommands(options.commandName) })) as Array<{
    name: string;
  }>;
  return registered.map((command) => command.name);
}

async function main(argv: readonly string[]): Promise<void> {
  const config = loadConfig();
  if (!config.DISCORD_TOKEN)
    throw new ConfigurationError('DISCORD_TOKEN', 'is required to register commands');
  if (!config.DISCORD_APPLICATION_ID) {
    throw new ConfigurationError('DISCORD_APPLICATION_ID', 'is required to register commands');
  }
  const guildIndex = argv.indexOf('--guild');
  const guildId = guildIndex >= 0 ? argv[guildIndex + 1] : undefined;
  const names = await registerDiscordCommands({
    applicationId: config.DISCORD_APPLICATION_ID,
    token: config.DISCORD_TOKEN,
    ...(guildId ? { guildId } : {}),
  });
  process.stdout.write(
    `Registered ${names.map((name) => `/${name}`).join(', ')} ${guildId ? `in guild ${guildId}` : 'globally'}.\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
