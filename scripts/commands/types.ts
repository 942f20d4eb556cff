import type { Config } from '../../src/lib/server/config';
import type { DatabaseHandle } from '../../src/lib/server/db/client';

export interface CliContext {
  args: string[];
  config: Config;
  database: DatabaseHandle;
}

export interface CliCommand {
  summary: string;
  /** Returns the exit code (0 when omitted). */
  run(context: CliContext): Promise<number | void>;
  /** Long-running commands (the worker) close the database themselves. */
  keepOpen?: boolean;
}

export class UsageError extends Error {
  name = 'UsageError';
}

/** Reads `--name value` options; flags without a value are 'true'. */
export function parseOptions(args: string[]): { options: Record<string, string>; rest: string[] } {
  const options: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split('=', 2);
      if (inline !== undefined) options[key] = inline;
      else if (args[i + 1] !== undefined && !args[i + 1].startsWith('--')) options[key] = args[++i];
      else options[key] = 'true';
    } else rest.push(arg);
  }
  return { options, rest };
}
