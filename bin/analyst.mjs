#!/usr/bin/env node
// Entry point of the `analyst` command: registers tsx so the TypeScript sources run as they are
// (no build step between `npm install` and `npm start`), then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bot/cli/main.ts');
await main(process.argv);
