// The connection to the chat hub (docs/protocol.md); protocol.js holds the facts about it that need no page.
import { backoff } from "./protocol.js";

const signalR = window.signalR;

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
