import { z } from 'zod';

/** `fail()` payload parts from a zod error. */
export const fieldErrors = (error: z.ZodError) =>
  z.flattenError(error).fieldErrors as Record<string, string[] | undefined>;

/** A form's string fields (files and repeated keys ignored). */
export async function readForm(request: Request): Promise<Record<string, string>> {
  const form = await request.formData();
  const out: Record<string, string> = {};
  for (const [k, v] of form) if (typeof v === 'string' && !(k in out)) out[k] = v;
  return out;
}
