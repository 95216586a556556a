// The rooms the user is in and the connection that serves them. Each room is joined again after every
// reconnect with `since` = the last seq it shows, and its unacknowledged messages are resent with their
// ids, so every message shows once, in order (docs/protocol.md, "Resuming after a reconnect"). Rooms are
// known by the name the server gave them in its Join answer (room-registry.js).
import { ConnectionState, createConnection } from "./hub.js";
import { backoff, BUSY, refusal, retryAfter } from "./protocol.js";
import { Room } from "./room.js";
import { PAGE_SIZE } from "./room-model.js";
import { RoomRegistry } from "./room-registry.js";
import { TYPING_NOTICE_EVERY_MS } from "./typing.js";

export const session = { user: "", signedIn: false, connectedOnce: false, rooms: new RoomRegistry() };

const connection = createConnection();
const typingSentAt = new WeakMap(); // room -> when the user's last "is typing" went to it (ms)
let view = null;

/**
 * Starts listening to the hub. `screen` is told what changed: { status(state), joined(room),
 * shown(room, message, isNew), membersChanged(room), typingChanged(room), merged(room, into) }.
 */
export function startChat(screen) {
  view = screen;
  // Handlers return nothing: a returned value would be taken as a reply the server never asked for.
  connection.on("message", (message) => { toRoom(message.room, (room) => room.model.receive(message)); });
  connection.on("reset", (reset) => { toRoom(reset.room, (room) => room.model.reset(reset)); });
  connection.on("notification", (notification) => { session.rooms.get(notification.room)?.model.notified(notification); });
  connection.on("typing", (notice) => { session.rooms.get(notice.room)?.typing(notice.user); });
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

/** Hands an ordered event to its room; one for a room whose Join is still to answer waits for it. */
function toRoom(name, apply) {
  const room = session.rooms.get(name);
  if (room) apply(room);
  else session.rooms.hold(name, apply);
}

/** What the connection does for a room: deliver its messages, join it again when its history started over. */
function serve(room) {
  room.model.on("send", ({ entry, delay }) => {
    if (delay > 0) setTimeout(() => deliver(room, entry), delay);
    else deliver(room, entry);
  });
  room.model.on("rejoin", () => { if (isOpen(room)) rejoin(room); });
  room.model.on("joined", () => { showStatus(); });
  return room;
}

/** "connecting" (the first time), "connected", "reconnecting" or "offline". */
function showStatus() {
  const state = connection.state;
  let shown = "offline";
  if (state === ConnectionState.Connected) {
    shown = [...session.rooms.values()].every((room) => room.model.joined) ? "connected" : "reconnecting";
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
  for (const room of session.rooms.values()) room.model.connectionLost();
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

/**
 * Joins `room` (again): with `since` when it has shown messages, afresh when its history started over.
 * Returns the room the server's answer names: `room`, or one already open under that name, which `room`
 * then merges into.
 */
async function join(room) {
  const askedIn = room.model.generation;
  const result = await connection.invoke("Join", room.name, session.user, room.model.since);
  if (!isOpen(room)) return room;
  const owner = session.rooms.named(room, result.room);
  if (owner !== room) {
    view.merged(room, owner);
    return owner;
  }
  if (room.model.joinedWith(result, askedIn)) {
    for (const apply of session.rooms.takeHeld(result.room)) apply(room);
  }
  return room;
}

/** Joins `room` and sends what waits in its outbox, retrying while the server cannot answer. */
async function rejoin(room, attempt = 0) {
  let owner;
  try {
    owner = await join(room);
  } catch (error) {
    if (!isOpen(room)) return;
    const reason = refusal(error);
    const wait = retryAfter(reason);
    if (wait !== null) {
      // Past the connection's join rate (many rooms at once): the server said when to try again.
      setTimeout(() => { if (!room.model.joined && isOpen(room)) rejoin(room, attempt); }, wait);
      return;
    }
    if (reason !== null) {
      room.timeline.notice(`Could not rejoin: ${reason}`, "error");
      return;
    }
    // A connection that dropped rejoins every room when it is back; a failure on a live one is retried.
    if (connection.state === ConnectionState.Connected) {
      setTimeout(() => { if (!room.model.joined && isOpen(room)) rejoin(room, attempt + 1); }, backoff(attempt));
    }
    return;
  }
  if (owner === room) await flush(room);
}

function rejoinAll() {
  showStatus();
  for (const room of session.rooms.values()) rejoin(room);
}

function isOpen(room) {
  return session.rooms.has(room);
}

/**
 * Opens a room (or returns the one open under that name). A refusal (a bad name, too many rooms) is
 * thrown as an Error with the server's reason; a dropped connection leaves the room to be joined when
 * the connection is back.
 */
export async function openRoom(name, beforeJoin) {
  const existing = session.rooms.findTyped(name);
  if (existing) return existing;
  const room = serve(new Room(name, session.user, view));
  session.rooms.add(room);
  beforeJoin(room);
  try {
    return await join(room);
  } catch (error) {
    const reason = refusal(error);
    if (reason !== null) {
      session.rooms.delete(room);
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
  session.rooms.delete(room);
  showStatus();
}

/** Shows `text` in `room` as pending at once and sends it. */
export function send(room, text) {
  typingSentAt.delete(room);
  room.model.queue(text);
}

/** Sends the room's unacknowledged messages again, one after the other, in the order written. */
async function flush(room) {
  for (const entry of room.model.pending) await deliver(room, entry);
}

/** Sends one outbox entry; a retry carries the same id, so the room stores it once. */
async function deliver(room, entry) {
  if (connection.state !== ConnectionState.Connected || !isOpen(room)) return;
  const attempt = room.model.startSend(entry.id);
  if (!attempt) return;
  try {
    room.model.acknowledged(attempt, await connection.invoke("Send", room.name, attempt.text, attempt.id));
  } catch (error) {
    const reason = refusal(error);
    const wait = retryAfter(reason);
    if (wait !== null) {
      // Past the connection's message rate: nothing was stored; it goes again when the server said.
      room.model.retryLater(attempt, wait);
    } else if (reason === null || reason.startsWith(BUSY)) {
      // Overloaded (it said so at once) or failed (a room moving to another silo, say): the message stays
      // pending and goes again after a backoff with the same id, so it is stored once even if the first try
      // landed after all. A dropped connection resends everything after its reconnect instead.
      room.model.retryLater(attempt);
    } else {
      room.model.refused(attempt, reason);
    }
  }
}

/** Tells the room that the user is typing, at most every few seconds. */
export function announceTyping(room) {
  if (!room.model.joined || Date.now() - (typingSentAt.get(room) ?? 0) < TYPING_NOTICE_EVERY_MS) return;
  typingSentAt.set(room, Date.now());
  connection.invoke("Typing", room.name).catch(() => {});
}

/**
 * The page of messages before the oldest one `room` shows (ascending), or null when there is nothing to
 * load now: a load is under way, nothing is older, the history started over, or the call failed (the user
 * can try again). `loadingChanged` is called when `room.model.loadingOlder` turns true.
 */
export async function fetchOlder(room, loadingChanged) {
  const model = room.model;
  if (model.loadingOlder || !model.hasOlder || !model.joined) return null;
  model.loadingOlder = true;
  loadingChanged();
  const generation = model.generation;
  try {
    const page = await connection.invoke("History", room.name, model.oldestSeq, PAGE_SIZE);
    return generation === model.generation ? page : null;
  } catch {
    return null;
  } finally {
    model.loadingOlder = false;
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
