// Facts of the hub contract (docs/protocol.md) that need no connection and no page, so the room model and
// its node tests can use them too.

/** How the server's "busy, retry in a moment" refusals begin. */
export const BUSY = "busy:";

/** How the refusals of a call past one of the connection's rate limits begin; they end with the wait. */
export const RATE = "rate:";

const HUB_ERROR = "HubException: ";
const RETRY_AFTER = /\(retryAfterMs=(\d+)\)\s*$/;

/** Milliseconds before retry number `attempt` (0, 1, …): 0.25–0.5 s, doubling up to 5–10 s. */
export function backoff(attempt, random = Math.random) {
  // Grows to 10 s and never gives up; jitter spreads a crowd of clients after an instance restarts.
  return Math.min(10_000, 500 * 2 ** attempt) * (0.5 + random() / 2);
}

/**
 * The server's reason when it refused a call ("text: must not be empty or only whitespace"), or null when
 * the call failed for another reason (the connection dropped, the server failed) and may be tried again.
 */
export function refusal(error) {
  const message = String(error?.message ?? error);
  const at = message.indexOf(HUB_ERROR);
  return at < 0 ? null : message.slice(at + HUB_ERROR.length);
}

/** The milliseconds a `rate:` refusal says to wait before the same call is admitted, or null for other reasons. */
export function retryAfter(reason) {
  if (!reason?.startsWith(RATE)) return null;
  const wait = RETRY_AFTER.exec(reason);
  return wait ? Number(wait[1]) : null;
}

/** A client message id: 32 hex digits. (crypto.randomUUID exists only on https and localhost pages.) */
export function newMessageId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}
