import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { user } from '../db/schema';

/** The person's own name, set on /account (each firm keeps its own name for a contact). */
export async function renameUser(db: Db, userId: string, name: string): Promise<void> {
  await db.update(user).set({ name }).where(eq(user.id, userId));
}
