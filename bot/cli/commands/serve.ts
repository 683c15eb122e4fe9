/**
 * `analyst serve`: the bot as a service. Slack and/or Discord from the environment, one HTTP server for
 * their endpoints, `/healthz` and Prometheus `/metrics`, and extensions (the alert scheduler) that start
 * and stop with it.
 *
 * | environment | surface |
 * |---|---|
 * | `SLACK_BOT_TOKEN` + `SLACK_APP_TOKEN` | Slack in Socket Mode (no public URL needed) |
 * | `SLACK_BOT_TOKEN` + `SLACK_SIGNING_SECRET` | Slack over HTTP at `POST /slack/events` |
 * | `DISCORD_PUBLIC_KEY` + `DISCORD_APPLICATION_ID` (+ `DISCORD_TOKEN`) | Discord at `POST /discord/interactions` |
 */
import type { Command } from 'commander';
import type { Config } from '../../../core/config.js';
import { ConfigurationError } from '../../../core/errors.js';
import type { SqlConnection } from '../../../warehouse/connection.js';
import { createSqlAnswerStore } from '../../answer-store.js';
import type { AskPipeline } from '../../ask.js';
import { createChartPool } from '../../chart-pool.js';
import { createConversationStore } from '../../conversation-store.js';
import { createSqlDedupStore } from '../../dedup-store.js';
import { createDiscordSurface, type DiscordSurface } from '../../discord/index.js';
import { type HttpRoute, healthRoute, metricsRoute, startHttpServer } from '../../http-server.js';
import { createMetricsRegistry, type MetricsRegistry } from '../../metrics.js';
import { createSlackSurface, type SlackSurface } from '../../slack/index.js';
import type { AskerResolver, ChartRenderer, ChatSurface, SurfaceLogger } from '../../surface.js';
import { policyAskerResolver, stderrLogger } from '../../surface.js';
import { type GlobalFlags, openRuntime, parseNow } from '../runtime.js';

/** The settings `serve` reads. */
export type ServeConfig = Pick<
  Config,
  | 'SLACK_BOT_TOKEN'
  | 'SLACK_APP_TOKEN'
  | 'SLACK_SIGNING_SECRET'
  | 'DISCORD_TOKEN'
  | 'DISCORD_PUBLIC_KEY'
  | 'DISCORD_APPLICATION_ID'
  | 'PORT'
>;

/** What extensions get: the running surfaces (to post through), metrics, the app database. */
export interface ServeContext {
  readonly surfaces: { readonly slack?: SlackSurface; readonly discord?: DiscordSurface };
  /** The same surfaces as a list. */
  readonly chatSurfaces: readonly ChatSurface[];
  readonly metrics: MetricsRegistry;
  readonly app: SqlConnection;
  readonly pipeline: AskPipeline;
  readonly logger: SurfaceLogger;
}

/** Something that runs alongside the surfaces, e.g. the alert scheduler and its sender. */
export interface ServeExtension {
  readonly name: string;
  /** Extra HTTP routes (e.g. an admin endpoint). */
  readonly routes?: readonly HttpRoute[];
  /** Starts after the surfaces; the returned `stop` runs before they stop. */
  start(context: ServeContext): Promise<{ stop(): Promise<void> } | undefined>;
}

/** Options of {@link startServe}. */
export interface ServeOptions {
  readonly config: ServeConfig;
  readonly pipeline: AskPipeline;
  /** The app database: conversations, dedup keys, answers, health check. */
  readonly app: SqlConnection;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default `config.PORT`; 0 picks a free port. */
  readonly port?: number;
  /** Overrides the choice made from the environment. */
  readonly slackMode?: 'http' | 'socket';
  /** Test stand-ins of the platform APIs. */
  readonly slackApiUrl?: string;
  readonly discordApi?: string;
  readonly extensions?: readonly ServeExtension[];
  readonly resolveAsker?: AskerResolver;
  readonly clock?: () => Date;
  /** Draws charts; default: a pool of `chartWorkers` worker threads. */
  readonly renderChart?: ChartRenderer;
  /** Chart worker threads when `renderChart` is not given; 0 draws on the main thread. Default 1. */
  readonly chartWorkers?: number;
  readonly metrics?: MetricsRegistry;
  readonly logger?: SurfaceLogger;
  /** Pacing of Slack posts per channel. Default 1,000 ms. */
  readonly slackMinIntervalMs?: number;
}

/** A running service. */
export interface RunningServe {
  readonly url: string;
  readonly port: number;
  readonly surfaces: ServeContext['surfaces'];
  readonly metrics: MetricsRegistry;
  /** Stops extensions, surfaces (waiting for answers in progress) and the server. */
  close(): Promise<void>;
}

/** Which Slack mode the environment asks for, or undefined when Slack is not configured. */
export function slackModeFrom(
  config: ServeConfig,
  override?: 'http' | 'socket',
): 'http' | 'socket' | undefined {
  const anySlack = config.SLACK_BOT_TOKEN || config.SLACK_APP_TOKEN || config.SLACK_SIGNING_SECRET;
  if (!anySlack) return undefined;
  if (!config.SLACK_BOT_TOKEN) {
    throw new ConfigurationError(
      'SLACK_BOT_TOKEN',
      'is required with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET',
    );
  }
  if (override) return override;
  if (config.SLACK_APP_TOKEN) return 'socket';
  if (config.SLACK_SIGNING_SECRET) return 'http';
  throw new ConfigurationError(
    'SLACK_SIGNING_SECRET',
    'is required for Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)',
  );
}

/** Whether Discord is configured; a token alone is a mistake worth naming. */
export function discordEnabled(config: ServeConfig): boolean {
  const any = config.DISCORD_TOKEN || config.DISCORD_PUBLIC_KEY || config.DISCORD_APPLICATION_ID;
  if (!any) return false;
  if (!config.DISCORD_PUBLIC_KEY) {
    throw new ConfigurationError(
      'DISCORD_PUBLIC_KEY',
      'is required for Discord (General Information → Public Key)',
    );
  }
  if (!config.DISCORD_APPLICATION_ID) {
    throw new ConfigurationError(
      'DISCORD_APPLICATION_ID',
      'is required for Discord (General Information → Application ID)',
    );
  }
  return true;
}

/**
 * Starts the service: surfaces from the configuration, the HTTP server, then the extensions.
 *
 * @example
 * const running = await startServe({ config, pipeline: runtime.pipeline, app: runtime.stores.app, port: 3000 });
 * process.once('SIGTERM', () => void running.close());
 */
export async function startServe(options: ServeOptions): Promise<RunningServe> {
  const logger = options.logger ?? stderrLogger;
  const metrics = options.metrics ?? createMetricsRegistry();
  const { config } = options;
  const slackMode = slackModeFrom(config, options.slackMode);
  const withDiscord = discordEnabled(config);
  const dedup = createSqlDedupStore(options.app);
  const answers = createSqlAnswerStore(options.app);
  const conversations = createConversationStore(options.app);
  // Charts are drawn off the main thread, so acknowledgements never wait behind Vega (bot/chart-pool.ts).
  const chartPool =
    options.renderChart === undefined && (options.chartWorkers ?? 1) > 0
      ? createChartPool({ size: options.chartWorkers ?? 1 })
      : undefined;
  const renderChart = options.renderChart ?? chartPool?.render;
  const shared = {
    pipeline: options.pipeline,
    dedup,
    answers,
    metrics,
    logger,
    ...(options.resolveAsker ? { resolveAsker: options.resolveAsker } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(renderChart ? { renderChart } : {}),
  };
  const slack = slackMode
    ? createSlackSurface({
        ...shared,
        conversations,
        mode: slackMode,
        botToken: config.SLACK_BOT_TOKEN!,
        ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
        ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
        ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
        ...(options.slackMinIntervalMs === undefined
          ? {}
          : { sendQueue: { minIntervalMs: options.slackMinIntervalMs } }),
      })
    : undefined;
  const discord = withDiscord
    ? createDiscordSurface({
        ...shared,
        applicationId: config.DISCORD_APPLICATION_ID!,
        publicKey: config.DISCORD_PUBLIC_KEY!,
        ...(config.DISCORD_TOKEN ? { botToken: config.DISCORD_TOKEN } : {}),
        ...(options.discordApi ? { api: options.discordApi } : {}),
      })
    : undefined;
  const surfaces = { ...(slack ? { slack } : {}), ...(discord ? { discord } : {}) };
  const chatSurfaces: ChatSurface[] = [slack, discord].filter((surface) => surface !== undefined);
  const started = Date.now();
  const routes: HttpRoute[] = [
    healthRoute({ database: async () => void (await options.app.query('SELECT 1')) }, () => ({
      surfaces: {
        slack: slack ? slack.mode : 'off',
        discord: discord ? 'http' : 'off',
      },
      uptime_seconds: Math.round((Date.now() - started) / 1000),
    })),
    metricsRoute(metrics),
    ...(slack?.requestListener
      ? [
          {
            method: 'POST' as const,
            path: slack.endpoint,
            handler: slack.requestListener,
            maxBodyBytes: 256 * 1024,
          },
        ]
      : []),
    ...(discord
      ? [
          {
            method: 'POST' as const,
            path: discord.endpoint,
            handler: discord.requestListener,
            maxBodyBytes: 64 * 1024,
          },
        ]
      : []),
    ...(options.extensions ?? []).flatMap((extension) => extension.routes ?? []),
  ];
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    for (const surface of chatSurfaces) await surface.start();
    server = await startHttpServer({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? config.PORT,
      routes,
      metrics,
    });
  } catch (error) {
    await chartPool?.close();
    throw error;
  }
  const context: ServeContext = {
    surfaces,
    chatSurfaces,
    metrics,
    app: options.app,
    pipeline: options.pipeline,
    logger,
  };
  const running: Array<{ name: string; stop(): Promise<void> }> = [];
  try {
    for (const extension of options.extensions ?? []) {
      const handle = await extension.start(context);
      if (handle) running.push({ name: extension.name, stop: () => handle.stop() });
    }
  } catch (error) {
    await server.close();
    for (const surface of chatSurfaces) await surface.stop();
    await chartPool?.close();
    throw error;
  }
  let closed = false;
  return {
    url: server.url,
    port: server.port,
    surfaces,
    metrics,
    async close() {
      if (closed) return;
      closed = true;
      for (const handle of running.reverse()) {
        try {
          await handle.stop();
        } catch (error) {
          logger.error(`serve: stopping ${handle.name} failed: ${(error as Error).message}`);
        }
      }
      // Stop taking requests first, then let the answers in progress finish.
      await server.close();
      for (const surface of chatSurfaces) await surface.stop();
      await chartPool?.close();
    },
  };
}

/**
 * Registers `analyst serve [--port N] [--host H] [--slack-mode http|socket]`. Extensions (the alert
 * scheduler) are passed in by whoever builds the program.
 */
export function registerServeCommand(
  program: Command,
  registerOptions: { extensions?: readonly ServeExtension[] } = {},
): void {
  program
    .command('serve')
    .description('Run the Slack and/or Discord bot (from the environment), /healthz and /metrics')
    .option('--port <n>', 'HTTP port (default PORT or 3000)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--slack-mode <mode>', 'http or socket (default: socket when SLACK_APP_TOKEN is set)')
    .action(async (commandOptions: { port?: string; host: string; slackMode?: string }, command: Command) => {
      const flags = command.optsWithGlobals<GlobalFlags>();
      if (
        commandOptions.slackMode !== undefined &&
        commandOptions.slackMode !== 'http' &&
        commandOptions.slackMode !== 'socket'
      ) {
        throw new ConfigurationError(
          '--slack-mode',
          `should be http or socket, got '${commandOptions.slackMode}'`,
        );
      }
      const port = commandOptions.port === undefined ? undefined : Number(commandOptions.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
        throw new ConfigurationError('--port', `should be a port number, got '${commandOptions.port}'`);
      }
      const runtime = await openRuntime(flags, { requireData: true });
      try {
        const fixedNow = flags.now;
        const running = await startServe({
          config: runtime.config,
          pipeline: runtime.pipeline,
          app: runtime.stores.app,
          host: commandOptions.host,
          ...(port === undefined ? {} : { port }),
          ...(commandOptions.slackMode ? { slackMode: commandOptions.slackMode as 'http' | 'socket' } : {}),
          resolveAsker: policyAskerResolver(runtime.access),
          ...(fixedNow ? { clock: () => parseNow(fixedNow) } : {}),
          ...(registerOptions.extensions ? { extensions: registerOptions.extensions } : {}),
        });
        const parts = [
          running.surfaces.slack
            ? `Slack (${running.surfaces.slack.mode === 'http' ? `HTTP at ${running.surfaces.slack.endpoint}` : 'Socket Mode'})`
            : undefined,
          running.surfaces.discord ? `Discord (HTTP at ${running.surfaces.discord.endpoint})` : undefined,
        ].filter(Boolean);
        process.stderr.write(
          `Listening on ${running.url}: ${parts.length ? parts.join(', ') : 'no chat surface configured (set SLACK_* or DISCORD_*)'}; /healthz, /metrics.\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        process.stderr.write('Stopping: finishing the answers in progress…\n');
        await running.close();
      } finally {
        await runtime.close();
      }
    });
}
