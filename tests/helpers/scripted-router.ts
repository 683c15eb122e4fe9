import type { Route, Router } from '../../bot/router/types.js';

/** A router of our own interface that returns scripted routes in order (for pipeline tests). */
export function createScriptedRouter(
  routes: readonly Omit<Route, 'source' | 'confidence'>[],
): Router & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async route(question) {
      const next = routes[calls.length];
      calls.push(question);
      if (!next) throw new Error(`scripted router has no route for call ${calls.length}: ${question}`);
      return { ...next, source: 'offline', confidence: 1 } as Route;
    },
  };
}
