// The connection to the chat hub and the few facts about it the rest of the page needs (docs/protocol.md).
const signalR = window.signalR;
const HUB_ERROR = "HubException: ";

/** How the server's "busy, retry in a moment" refusals begin (docs/protocol.md). */
export const BUSY = "busy:";

export const ConnectionState = signalR.HubConnectionState;

/**
 * A hub connection over WebSockets only, without negotiation (so no request needs the instance an earlier
 * one reached), that keeps reconnecting for as long as the page is open.
 */
export function createConnection() {
  return new signalR.HubConnectionBuilder()
    .withUrl("/hubs/chat", { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (retry) => backoff(retry.previousRetryCount) })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
}

/** Milliseconds before retry number `attempt` (0, 1, …). */
export function backoff(attempt) {
  // Grows to 10 s and never gives up; jitter spreads a crowd of clients after an instance restarts.
  return Math.min(10_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
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

/** A client message id: 32 hex digits. (crypto.randomUUID exists only on https and localhost pages.) */
export function newMessageId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}
