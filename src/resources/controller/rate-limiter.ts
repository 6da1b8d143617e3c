/**
 * Per-key exponential backoff for failed reconciles, as client-go's
 * ItemExponentialFailureRateLimiter: the n-th consecutive failure of a key waits
 * `baseMs × 2^(n-1)`, at most `maxMs`; a success forgets the key and the curve starts again.
 * @example const rl = new ExponentialRateLimiter(5, 1000); rl.when('a'); rl.when('a'); // 5, then 10
 */
export class ExponentialRateLimiter<K = string> {
  private readonly failures = new Map<K, number>();

  constructor(
    readonly baseMs: number,
    readonly maxMs: number,
  ) {}

  /** The delay before the next retry of `key`, counting this failure. */
  when(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2^n overflows to Infinity long before n reaches a number that matters; the cap holds it.
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }

  /** Consecutive failures of `key` so far. */
  retries(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  forget(key: K): void {
    this.failures.delete(key);
  }
}
