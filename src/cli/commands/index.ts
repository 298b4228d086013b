// The list of `tengen` commands: name, the one-line summary `tengen --help` lists (the command's description;
// its home is here, so the listing needs no command module), and how to load the module that adds the command
// with its options. main.ts imports only the module of the command being run, so `tengen --help` and
// `tengen gtp` do not load tfjs, Fastify or the trainer unless they need them.
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<RegisterCommand>;
}

export const commands: CommandEntry[] = [
  { name: 'data', summary: 'build and inspect training datasets', load: async () => (await import('./data.js')).registerDataCommand },
  { name: 'train', summary: 'train the move-prediction CNN (resumable; see src/train)', load: async () => (await import('./train.js')).registerTrainCommand },
  {
    name: 'gtp',
    summary: 'run as a GTP v2 engine on stdin/stdout (Sabaki, Lizzie, GoGui, gtp2ogs, tengen match)',
    load: async () => (await import('./gtp.js')).registerGtpCommand,
  },
  {
    name: 'analysis',
    summary: "KataGo's JSON analysis engine on stdin/stdout (KaTrain; accepts katago's -model/-config/-override-config)",
    load: async () => (await import('./analysis.js')).registerAnalysisCommand,
  },
  {
    name: 'match',
    summary: 'play two GTP engines against each other with a referee; SGF per game and a summary',
    load: async () => (await import('./match.js')).registerMatchCommand,
  },
  { name: 'doctor', summary: 'the compute stack: backend in use, TensorFlow version and origin, threads, CPU features', load: async () => (await import('./doctor.js')).registerDoctorCommand },
  { name: 'serve', summary: 'serve move suggestions over HTTP (REST, KataGo protocol, web board at /)', load: async () => (await import('./serve.js')).registerServeCommand },
  {
    name: 'eval',
    summary: 'top-1 / top-5 / top-10 (95% CIs, overall and per game phase) and log-loss of a model on a fixed seeded sample of positions',
    load: async () => (await import('./eval.js')).registerEvalCommand,
  },
  {
    name: 'model',
    summary: 'model tools: export-onnx writes the network as an ONNX graph; calibrate-value temperature-scales the value head',
    load: async () => (await import('./model.js')).registerModelCommand,
  },
  {
    name: 'plot',
    summary: 'learning curves (val top-1, top-5 and value accuracy against positions seen) of training runs, as PNG or SVG',
    load: async () => (await import('./plot.js')).registerPlotCommand,
  },
];

/** Loads `entry`'s module, adds its command to `program` and gives it the summary as description. */
export async function addCommand(program: Command, entry: CommandEntry): Promise<Command> {
  (await entry.load())(program);
  const cmd = program.commands.find((c) => c.name() === entry.name);
  if (!cmd) throw new Error(`src/cli/commands: the module of "${entry.name}" added no command of that name`);
  return cmd.description(entry.summary);
}
