/**
 * The shared cluster token: where it comes from (TSDASK_TOKEN, else a fresh random one) and
 * how two tokens are compared without leaking, through timing, where or how long they differ.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Generates a new token: 32 random bytes as 64 hex characters. */
export function generateToken(): string {
  return randomBytes(32).toString('hex');
}

/** The cluster token: the TSDASK_TOKEN environment variable when set and non-empty, else a newly generated one. */
export function resolveToken(env: Record<string, string | undefined> = process.env): string {
  const t = env.TSDASK_TOKEN;
  return t !== undefined && t !== '' ? t : generateToken();
}

/** Compares two tokens in constant time (on their SHA-256 hashes, so their lengths do not leak). */
export function tokensEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}
