// The list of `tengen` commands; each module exports a function that adds its command to the program.
import type { Command } from 'commander';
import { registerDataCommand } from './data.js';
import { registerTrainCommand } from './train.js';
import { registerGtpCommand } from './gtp.js';
import { registerMatchCommand } from './match.js';
import { registerServeCommand } from './serve.js';
import { registerEvalCommands } from './eval.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerDataCommand, registerTrainCommand, registerGtpCommand, registerMatchCommand, registerServeCommand, registerEvalCommands];
