// How much of a request body Sheaf reads, by kind of request. adapter-node's BODY_SIZE_LIMIT is
// one number for every route, so it has to fit the largest PDF; the smaller limits here keep a
// signed-out visitor from making a form action buffer that much (see body-limit.ts).

export const KB = 1024;
export const MB = 1024 * 1024;

/** Any form or JSON body not listed below: sign-in, approvals, questions, settings. */
export const FORM_BODY_LIMIT = 64 * KB;

/** The clients page's CSV import: the action accepts 2 MB of CSV, plus the multipart wrapping. */
export const CSV_BODY_LIMIT = 2 * MB + 64 * KB;

/** The largest sign-off certificate the verify page reads (they are tens of kilobytes). */
export const MAX_CERTIFICATE_BYTES = 2 * MB;

/** The verify page's upload: one certificate, plus the multipart wrapping. */
export const CERTIFICATE_BODY_LIMIT = MAX_CERTIFICATE_BYTES + 64 * KB;

/** The largest firm logo accepted (firm/logo-image.ts), and what an owner is told past it. */
export const MAX_LOGO_BYTES = 2 * MB;
export const LOGO_TOO_LARGE = 'The logo is larger than 2 MB. Save a smaller copy and retry.';

/** The settings page's logo upload: one image, plus the multipart wrapping. */
export const LOGO_BODY_LIMIT = MAX_LOGO_BYTES + 64 * KB;

/** Postmark's webhook: a bounce event carries the bounced message's content when asked to. */
export const WEBHOOK_BODY_LIMIT = 1 * MB;

/** Room above the largest PDF for the request's own framing, in BODY_SIZE_LIMIT. */
export const BODY_SLACK = 1 * MB;

/** The smallest BODY_SIZE_LIMIT that lets every route above (and a PDF of maxUploadMb) through. */
export function requiredBodySizeLimit(maxUploadMb: number): number {
  return (
    Math.max(
      Math.floor(maxUploadMb * MB),
      CSV_BODY_LIMIT,
      CERTIFICATE_BODY_LIMIT,
      LOGO_BODY_LIMIT,
      WEBHOOK_BODY_LIMIT
    ) + BODY_SLACK
  );
}

/** BODY_SIZE_LIMIT as `npm start` sets it when unset: the required size, in whole megabytes. */
export function defaultBodySizeLimit(maxUploadMb: number): string {
  return `${Math.ceil(requiredBodySizeLimit(maxUploadMb) / MB)}M`;
}

/** adapter-node's reading of BODY_SIZE_LIMIT: bytes, or with K, M or G (1024-based). */
export function parseBodySize(value: string): number {
  const multiplier = { K: KB, M: MB, G: 1024 * MB }[value.slice(-1).toUpperCase()];
  return Number(multiplier ? value.slice(0, -1) : value) * (multiplier ?? 1);
}
