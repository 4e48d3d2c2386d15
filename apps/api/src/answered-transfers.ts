import type { Transfer } from '@dal/core';

/**
 * The transfers this process has already answered, so a replayed Idempotency-Key gets 200 instead of 201.
 * The contract returns the original transfer on a replay without saying it is one; this memory is what
 * tells them apart, within one process and for the most recent `capacity` transfers. A replay it cannot
 * recognise (after a restart, or answered by another instance) is answered 201, with the same body.
 */
export class AnsweredTransfers {
  // a Map iterates in insertion order: the first key is the oldest
  private readonly answered = new Map<string, true>();

  constructor(private readonly capacity = 10_000) {}

  /** True the first time `transfer` is answered; false for every replay of it. */
  isFirstAnswer(transfer: Transfer): boolean {
    // ids alone repeat when a database is reset; the creation instant tells those transfers apart
    const key = `${transfer.id}|${transfer.createdAt.toISOString()}|${transfer.idempotencyKey}`;
    if (this.answered.has(key)) return false;
    this.answered.set(key, true);
    if (this.answered.size > this.capacity) {
      const oldest = this.answered.keys().next().value;
      if (oldest !== undefined) this.answered.delete(oldest);
    }
    return true;
  }
}
