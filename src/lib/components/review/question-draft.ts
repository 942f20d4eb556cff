// A question the server did not take because the packet was updated since it was written (sent
// from the viewer, or queued offline): its text waits here for the packet page's question box,
// so nothing the reader typed is lost. Per tab, in memory: the page that shows it is the next one.
const drafts: Record<string, string> = {};

export function keepQuestionDraft(packetId: string, body: string): void {
  if (body.trim()) drafts[packetId] = body;
}

/** The kept text for this packet, once: the box it fills owns it from then on. */
export function takeQuestionDraft(packetId: string): string {
  const body = drafts[packetId] ?? '';
  delete drafts[packetId];
  return body;
}
