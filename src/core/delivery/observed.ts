/**
 * What the worker reports as each delivery attempt ends, for whoever watches (metrics, alerts).
 * Observers only count and tell; nothing here decides what the worker does next.
 */
export interface DeliveryAttempt {
  deliveryId: number;
  draftId: number;
  targetId: string;
  platform: string;
  attempt: number;
  /** sent: delivered; retrying: will be tried again after `retryInMs`; failed: for good. */
  outcome: 'sent' | 'retrying' | 'failed';
  /** The error's code (`rate_limited` for a 429) when the attempt did not deliver. */
  code?: string;
  /** Already free of secrets. */
  reason?: string;
  retryInMs?: number;
  /** When the delivery was created (ISO): its latency runs from here. */
  createdAt: string;
}
