// The rooms the user is in and the connection that serves them. Each room is joined again after every
// reconnect with `since` = the last seq it shows, and its unacknowledged messages are resent with their
// ids, so every message shows once, in order (docs/protocol.md, "Resuming after a reconnect").
import { backoff, BUSY, ConnectionState, createConnection, refusal } from "./hub.js";
import { PAGE_SIZE, Room, roomKey } from "./room.js";
import { TYPING_NOTICE_EVERY_MS } from "./typing.js";

export const session = { user: "", signedIn: false, connectedOnce: false, rooms: new Map() };

const connection = createConnection();
let view = null;

/**
 * Starts listening to the hub. `screen` is told what changed: { status(state), roomJoined(room),
 * shown(room, message, isNew), membersChanged(room), typingChanged(room) }.
 */
export function startChat(screen) {
  view = screen;
  // Handlers return nothing: a returned value would be taken as a reply the server never asked for.
  connection.on("message", (message) => { roomOf(message.room)?.accept(message); });
  connection.on("notification", (notification) => { roomOf(notification.room)?.notified(notification); });
  connection.on("typing", (notice) => { roomOf(notice.room)?.typing(notice.user); });
  connection.onreconnecting(() => { leftAll(); });
  connection.onreconnected(() => { rejoinAll(); });
  connection.onclose(() => {
    leftAll();
    if (session.signedIn) connectLater(0);
  });
  window.addEventListener("offline", () => { showStatus(); });
  window.addEventListener("online", () => {
    // The network is back: try now rather than when the current backoff ends.
    if (connection.state === ConnectionState.Reconnecting) connection.stop();
    showStatus();
  });
  showStatus();
}

const roomEvents = {
  joined(room) {
    view.roomJoined(room);
    showStatus();
  },
  shown(room, message, isNew) { view.shown(room, message, isNew); },
  membersChanged(room) { view.membersChanged(room); },
  typingChanged(room) { view.typingChanged(room); },
  retry(room, entry) { deliver(room, entry); },
};

function roomOf(name) {
  return session.rooms.get(roomKey(name));
}

/** "connecting" (the first time), "connected", "reconnecting" or "offline". */
function showStatus() {
  const state = connection.state;
  let shown = "offline";
  if (state === ConnectionState.Connected) {
    shown = [...session.rooms.values()].every((room) => room.joined) ? "connected" : "reconnecting";
  } else if (!navigator.onLine) {
    shown = "offline";
  } else if (state === ConnectionState.Reconnecting) {
    shown = "reconnecting";
  } else if (state === ConnectionState.Connecting) {
    shown = session.connectedOnce ? "reconnecting" : "connecting";
  }
  view.status(shown);
}

function leftAll() {
  for (const room of session.rooms.values()) room.joined = false;
  showStatus();
}

/** Connects if not connected; throws when the service cannot be reached. */
export async function connect() {
  if (connection.state === ConnectionState.Disconnected) {
    showStatus();
    try {
      await connection.start();
    } finally {
      showStatus();
    }
    session.connectedOnce = true;
  }
}

function connectLater(attempt) {
  showStatus();
  setTimeout(async () => {
    if (!session.signedIn || connection.state !== ConnectionState.Disconnected) return;
    try {
      await connect();
    } catch {
      connectLater(attempt + 1);
      return;
    }
    rejoinAll();
  }, backoff(attempt));
}

/** Disconnects without reconnecting (signing out). */
export function disconnect() {
  connection.stop();
}

/** Joins `room` (again): with `since` when it has shown messages, afresh when its history started over. */
async function join(room) {
  room.joined = false;
  const result = await connection.invoke("Join", room.name, session.user, room.since);
  if (!room.joinedWith(result)) {
    room.joinedWith(await connection.invoke("Join", room.name, session.user, null));
  }
}

/** Joins `room` and sends what waits in its outbox, retrying while the server cannot answer. */
async function rejoin(room, attempt = 0) {
  try {
    await join(room);
  } catch (error) {
    if (!isOpen(room)) return;
    const reason = refusal(error);
    if (reason !== null) {
      room.timeline.notice(`Could not rejoin: ${reason}`, "error");
      return;
    }
    // A connection that dropped rejoins every room when it is back; a failure on a live one is retried.
    if (connection.state === ConnectionState.Connected) {
      setTimeout(() => { if (!room.joined && isOpen(room)) rejoin(room, attempt + 1); }, backoff(attempt));
    }
    return;
  }
  await flush(room);
}

function rejoinAll() {
  showStatus();
  for (const room of session.rooms.values()) rejoin(room);
}

function isOpen(room) {
  return session.rooms.get(room.key) === room;
}

/**
 * Opens a room (or returns the one open under that name). A refusal (a bad name, too many rooms) is
 * thrown as an Error with the server's reason; a dropped connection leaves the room to be joined when
 * the connection is back.
 */
export async function openRoom(name, beforeJoin) {
  const existing = roomOf(name);
  if (existing) return existing;
  const room = new Room(name, session.user, roomEvents);
  session.rooms.set(room.key, room);
  beforeJoin(room);
  try {
    await join(room);
  } catch (error) {
    const reason = refusal(error);
    if (reason !== null) {
      session.rooms.delete(room.key);
      throw Object.assign(new Error(reason), { room });
    }
    rejoin(room);
  }
  return room;
}

/** Leaves a room: no more of its messages, and the others see the user go. */
export function leaveRoom(room) {
  forgetRoom(room);
  connection.invoke("Leave", room.name).catch(() => {});
}

/** Stops following a room here without telling the server (signing out closes the connection anyway). */
export function forgetRoom(room) {
  if (isOpen(room)) session.rooms.delete(room.key);
  showStatus();
}

/** Shows `text` in `room` as pending at once and sends it. */
export function send(room, text) {
  room.typingSentAt = 0;
  deliver(room, room.queue(text));
}

async function flush(room) {
  for (const entry of [...room.outbox]) await deliver(room, entry);
}

/** Sends one outbox entry; a retry carries the same id, so the room stores it once. */
async function deliver(room, entry) {
  if (entry.sending || !room.joined || !room.isPending(entry) || connection.state !== ConnectionState.Connected) return;
  entry.sending = true;
  try {
    room.acknowledged(entry, await connection.invoke("Send", room.name, entry.text, entry.id));
  } catch (error) {
    const reason = refusal(error);
    if (reason?.startsWith(BUSY)) {
      // The room or the server is overloaded and said so at once: the message stays pending and goes again
      // after a backoff with the same id, so it is stored once even if the first try landed after all.
      setTimeout(() => deliver(room, entry), backoff(entry.attempts++));
    } else if (reason !== null) {
      room.refused(entry, reason);
    } else if (connection.state === ConnectionState.Connected) {
      // The server failed (a room moving to another silo, say): try again soon. A dropped connection
      // resends everything after its reconnect instead.
      setTimeout(() => deliver(room, entry), backoff(entry.attempts++));
    }
  } finally {
    entry.sending = false;
  }
}

/** Tells the room that the user is typing, at most every few seconds. */
export function announceTyping(room) {
  if (!room.joined || Date.now() - room.typingSentAt < TYPING_NOTICE_EVERY_MS) return;
  room.typingSentAt = Date.now();
  connection.invoke("Typing", room.name).catch(() => {});
}

/**
 * The page of messages before the oldest one `room` shows (ascending), or null when there is nothing to
 * load now: a load is under way, nothing is older, the history started over, or the call failed (the user
 * can try again). `loadingChanged` is called when `room.loadingOlder` turns true.
 */
export async function fetchOlder(room, loadingChanged) {
  if (room.loadingOlder || !room.hasOlder || !room.joined) return null;
  room.loadingOlder = true;
  loadingChanged();
  const generation = room.generation;
  try {
    const page = await connection.invoke("History", room.name, room.oldestSeq, PAGE_SIZE);
    return generation === room.generation ? page : null;
  } catch {
    return null;
  } finally {
    room.loadingOlder = false;
  }
}

/**
 * Up to `limit` messages of `room` whose text matches `query`, newest first, older than `beforeSeq` when it
 * is not null. Throws what the hub answered (see refusal in hub.js).
 */
export function searchMessages(room, query, beforeSeq, limit) {
  return connection.invoke("Search", room.name, query, beforeSeq, limit);
}

/** The message with seq `seq` and up to `reach` messages on each side of it, ascending. Throws what the hub answered. */
export function messagesAround(room, seq, reach) {
  return connection.invoke("History", room.name, seq + reach + 1, 2 * reach + 1);
}
