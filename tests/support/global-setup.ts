import type { TestProject } from 'vitest/node';
import { buildIfStale } from '../../scripts/build-if-stale.js';
import { createTestDatabase, postgresAvailable } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * Integration tests run routes through the built server (build/handler.js, in process) and
 * services directly. PostgreSQL runs get a fresh database, dropped afterwards.
 */
export default async function setup(project: TestProject) {
  buildIfStale({ quiet: true });
  if (project.name !== 'integration-postgres') {
    project.provide('databaseUrl', '');
    return;
  }
  if (!(await postgresAvailable())) {
    throw new Error(
      'PostgreSQL is not reachable on 127.0.0.1:5432; the integration-postgres project needs it'
    );
  }
  const database = await createTestDatabase();
  project.provide('databaseUrl', database.url);
  return () => database.drop();
}
