import type { EmailMessage } from './outbox';

/** One claimed outbox row, ready to send. */
export interface OutgoingEmail {
  id: number;
  kind: string;
  message: EmailMessage;
}

/** What happened to one message; results come back in the order the messages went in. */
export type SendResult =
  | { status: 'sent'; messageId: string }
  /** Permanent: the provider refused this message (inactive recipient, invalid address...). */
  | {
      status: 'failed';
      error: string;
      /** The provider's own error code, when it gave one. */ code?: number;
    }
  /** Temporary: rate limit, provider error, timeout, refused connection. */
  | { status: 'retry'; error: string };

export interface SendOptions {
  /** Aborted when the worker stops: calls under way are abandoned, their messages 'retry'. */
  signal?: AbortSignal;
}

export interface EmailTransport {
  name: 'postmark' | 'mailbox';
  /** Sends up to `maxBatch` messages; never throws for a provider problem, it reports it. */
  send(messages: OutgoingEmail[], options?: SendOptions): Promise<SendResult[]>;
  maxBatch: number;
  /**
   * True when accepting a message is its delivery (the dev mailbox): deliveries go straight to
   * 'delivered', since no provider will ever report it. Postmark confirms by webhook instead.
   */
  deliversOnSend?: boolean;
}
