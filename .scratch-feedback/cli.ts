import { Command } from 'commander';
import { registerFeedbackCommand } from '../bot/cli/commands/feedback.js';

const program = new Command().option('--db <dir>').option('--json').option('--now <t>');
registerFeedbackCommand(program);
await program.parseAsync(process.argv);
