// The firm's colour as client pages may use it. A packet's state: $lib/format/packet-status.
const HEX = /^#[0-9a-f]{6}$/i;

/** The firm's colour, only when it is a plain #rrggbb (it ends up in a style attribute). */
export function safeBrandColor(value: string | null | undefined): string {
  return value && HEX.test(value) ? value : '#1f6f5c';
}
