import { requireStaff } from '$lib/server/auth/guards';
import type { PageServerLoad } from './$types';

// Placeholder until the firm workspace lands.
export const load: PageServerLoad = async (event) => {
  const { firm, user } = await requireStaff(event);
  return { firmName: firm.name, userName: user.name };
};
