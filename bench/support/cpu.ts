// CPU time from /proc (Linux) of the processes a bench's requests run in: a server process and
// the PostgreSQL backends serving one database. The load generator, the server and PostgreSQL
// share the machine's cores, so a request's cost is their sum; a wall-clock rate moves with
// whatever else the machine runs, CPU per request much less.
import postgres from 'postgres';
import { POSTGRES_ADMIN_URL } from '../../tests/support/postgres';
import { cpuMs, cpuSpent } from './process-cpu';

/** User plus system CPU milliseconds of a process, or undefined when it is gone. */
export function processCpuMs(pid: number): number | undefined {
  const ms = cpuMs(pid);
  return ms > 0 ? ms : undefined;
}

/** The CPU milliseconds of every PostgreSQL backend connected to `database`, by pid. */
export class BackendCpu {
  private readonly admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  constructor(private readonly database: string) {}

  async mark(): Promise<Map<number, number>> {
    const rows = await this.admin<{ pid: number }[]>`
      select pid from pg_stat_activity where datname = ${this.database}`;
    const backends = new Map<number, number>();
    for (const { pid } of rows) {
      const ms = processCpuMs(pid);
      if (ms !== undefined) backends.set(pid, ms);
    }
    return backends;
  }

  /** Milliseconds spent between two marks (a backend that connected in between counts from 0). */
  static spent(from: Map<number, number>, to: Map<number, number>): number {
    return cpuSpent(from, to);
  }

  end(): Promise<void> {
    return this.admin.end();
  }
}

/** This process's user plus system CPU in milliseconds. */
export function ownCpuMs(): number {
  const own = process.cpuUsage();
  return (own.user + own.system) / 1000;
}
