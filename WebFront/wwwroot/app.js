// The chat page. A person signs in with a name and a room, can be in several rooms at once and sees each
// room's messages once, in seq order, across reconnects: every room is joined again with `since` = the
// last seq it shows, and unacknowledged messages are resent with their ids (docs/protocol.md).
import { el, setAvatar } from "./dom.js";
import { backoff, ConnectionState, createConnection, refusal } from "./hub.js";
import { PAGE_SIZE, Room, roomKey } from "./room.js";
import { describeTypers, TYPING_NOTICE_EVERY_MS } from "./typing.js";

const $ = (id) => document.getElementById(id);
const STORED = { user: "orleanschat.user", room: "orleanschat.room", rooms: "orleanschat.rooms" };
// Within this many pixels of an end of the list counts as being there (for following new messages, and
// for loading older ones).
const NEAR_PX = 64;
const WIDE = window.matchMedia("(min-width: 64.01rem)");

const session = { user: "", signedIn: false, connectedOnce: false, rooms: new Map(), active: null };
const scroller = $("messages");
const composer = $("text");
const connection = createConnection();

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

const roomEvents = {
  joined(room) {
    renderRoomButton(room);
    if (room === session.active) renderActiveRoom();
    showStatus();
  },
  shown(room, message, isNew) {
    const own = message.user === room.user;
    if (room === session.active) {
      if (own && isNew) followLatest();
      else if (isNew && !room.pinned) {
        room.newBelow++;
        renderJump();
      }
    } else if (isNew && !own) {
      room.unread++;
      renderRoomButton(room);
      renderTitle();
    }
  },
  noticed() {},
  membersChanged(room) {
    if (room === session.active) renderMembers();
  },
  typingChanged(room) {
    if (room === session.active) renderTyping();
  },
  retry(room, entry) {
    deliver(room, entry);
  },
};

function roomOf(name) {
  return session.rooms.get(roomKey(name));
}

// ---- Connection and rooms -------------------------------------------------------------------------

function showStatus() {
  const state = connection.state;
  const everyRoomJoined = [...session.rooms.values()].every((room) => room.joined);
  let shown = "offline";
  if (state === ConnectionState.Connected) shown = everyRoomJoined ? "connected" : "reconnecting";
  else if (!navigator.onLine) shown = "offline";
  else if (state === ConnectionState.Reconnecting) shown = "reconnecting";
  else if (state === ConnectionState.Connecting) shown = session.connectedOnce ? "reconnecting" : "connecting";
  const status = $("status");
  status.dataset.state = shown;
  status.textContent = shown;
}

function leftAll() {
  for (const room of session.rooms.values()) room.joined = false;
  showStatus();
}

async function connect() {
  if (connection.state === ConnectionState.Disconnected) {
    showStatus();
    await connection.start();
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
    if (reason !== null) {
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

/** Adds a room to the switcher; the caller joins it. */
function addRoom(name) {
  const room = new Room(name, session.user, roomEvents);
  session.rooms.set(room.key, room);
  const item = el("li");
  const switcher = el("button", "room");
  switcher.type = "button";
  switcher.append(el("span", "room-name"), el("span", "unread"));
  switcher.addEventListener("click", () => activate(room));
  item.append(switcher);
  $("rooms").append(item);
  room.switcher = switcher;
  renderRoomButton(room);
  return room;
}

function removeRoom(room) {
  session.rooms.delete(room.key);
  room.switcher.parentElement.remove();
  if (session.active === room) session.active = null;
  renderTitle();
}

/**
 * Opens a room from the sign-in or the "join another room" form. A refusal (a bad name, too many rooms)
 * is thrown as the server's reason; a dropped connection leaves the room to be joined on reconnect.
 */
async function openRoom(name) {
  const existing = session.rooms.get(roomKey(name));
  if (existing) return existing;
  const room = addRoom(name);
  try {
    await join(room);
  } catch (error) {
    const reason = refusal(error);
    if (reason !== null) {
      removeRoom(room);
      throw new Error(reason);
    }
    rejoin(room);
  }
  rememberRooms();
  return room;
}

function rememberRooms() {
  localStorage.setItem(STORED.rooms, JSON.stringify([...session.rooms.values()].map((room) => room.name)));
}

function rememberedRooms() {
  try {
    const rooms = JSON.parse(localStorage.getItem(STORED.rooms) ?? "[]");
    return Array.isArray(rooms) ? rooms.filter((room) => typeof room === "string") : [];
  } catch {
    return [];
  }
}

// ---- The room on screen ---------------------------------------------------------------------------

function activate(room) {
  const previous = session.active;
  if (previous && previous !== room) {
    previous.draft = composer.value;
    previous.scrollTop = scroller.scrollTop;
  }
  session.active = room;
  room.unread = 0;
  if (previous !== room) {
    listResized.disconnect();
    scroller.replaceChildren($("history-edge"), room.timeline.list);
    listResized.observe(room.timeline.list);
    listResized.observe(scroller);
    scroller.scrollTop = room.pinned ? scroller.scrollHeight : room.scrollTop;
    composer.value = room.draft;
    fitComposer();
  }
  if (room.pinned) room.newBelow = 0;
  for (const other of session.rooms.values()) {
    if (other === room) other.switcher.setAttribute("aria-current", "page");
    else other.switcher.removeAttribute("aria-current");
  }
  localStorage.setItem(STORED.room, room.name);
  renderActiveRoom();
  fillIfShort(room);
}

function renderActiveRoom() {
  const room = session.active;
  if (!room) return;
  $("room-title").textContent = room.name;
  composer.placeholder = `Message #${room.name}`;
  renderRoomButton(room);
  renderMembers();
  renderTyping();
  renderHistoryEdge();
  renderJump();
  renderTitle();
}

function renderRoomButton(room) {
  const switcher = room.switcher;
  switcher.dataset.room = room.name;
  switcher.querySelector(".room-name").textContent = room.name;
  const badge = switcher.querySelector(".unread");
  badge.textContent = room.unread > 99 ? "99+" : String(room.unread);
  badge.hidden = room.unread === 0;
  switcher.classList.toggle("has-unread", room.unread > 0);
  switcher.setAttribute("aria-label", room.unread ? `${room.name}, ${room.unread} unread` : room.name);
}

function renderTitle() {
  const unread = [...session.rooms.values()].reduce((sum, room) => sum + room.unread, 0);
  const base = session.active ? `#${session.active.name} · OrleansChat` : "OrleansChat";
  document.title = unread ? `(${unread}) ${base}` : base;
}

function renderMembers() {
  const room = session.active;
  const members = [...room.members].sort((a, b) => a.localeCompare(b));
  $("members-toggle").textContent = members.length === 1 ? "1 member" : `${members.length} members`;
  $("members").replaceChildren(...members.map((user) => {
    const item = el("li", "", user);
    setAvatar(item, user);
    if (user === room.user) item.append(" ", el("span", "you", "(you)"));
    return item;
  }));
}

function renderTyping() {
  $("typing").textContent = describeTypers(session.active.typingUsers);
}

function renderHistoryEdge() {
  const room = session.active;
  const state = room.loadingOlder ? "loading" : room.hasOlder ? "more" : room.olderGone ? "gone" : "start";
  const edge = $("history-edge");
  const older = $("older");
  edge.dataset.state = state;
  if (document.activeElement === older && (state === "start" || state === "gone")) scroller.focus();
  older.hidden = state === "start" || state === "gone";
  older.setAttribute("aria-busy", String(state === "loading"));
  $("older-label").textContent = state === "loading" ? "Loading older messages…" : "Load older messages";
  $("history-note").hidden = !older.hidden;
  $("history-note").textContent = state === "gone"
    ? "Older messages are no longer kept."
    : `This is the start of #${room.name}.`;
}

function renderJump() {
  const room = session.active;
  const jump = $("jump");
  jump.hidden = room.newBelow === 0;
  jump.textContent = room.newBelow === 1 ? "1 new message ↓" : `${room.newBelow} new messages ↓`;
}

async function loadOlder(room) {
  if (room.loadingOlder || !room.hasOlder || !room.joined) return;
  room.loadingOlder = true;
  if (room === session.active) renderHistoryEdge();
  const generation = room.generation;
  let loaded = false;
  try {
    const page = await connection.invoke("History", room.name, room.oldestSeq, PAGE_SIZE);
    if (generation === room.generation) {
      // Keep the message the user is looking at in place while the older ones go in above it.
      const fromBottom = scroller.scrollHeight - scroller.scrollTop;
      room.olderLoaded(page);
      if (room === session.active && !room.pinned) scroller.scrollTop = scroller.scrollHeight - fromBottom;
      loaded = true;
    }
  } catch {
    // The connection dropped, or the server could not answer: the button stays, to try again.
  } finally {
    room.loadingOlder = false;
    if (room === session.active) renderHistoryEdge();
  }
  if (loaded) fillIfShort(room);
}

/** Loads older messages while the list is too short to scroll (no scroll event would ask for them). */
function fillIfShort(room) {
  if (room === session.active && room.hasOlder && scroller.scrollHeight <= scroller.clientHeight + NEAR_PX) {
    loadOlder(room);
  }
}

function followLatest() {
  const room = session.active;
  room.pinned = true;
  room.newBelow = 0;
  scroller.scrollTop = scroller.scrollHeight;
  renderJump();
}

// While the view follows the latest messages, it stays at the bottom whatever grows: a message, a
// notice, a refusal's reason, the window (a phone's keyboard opening).
const listResized = new ResizeObserver(() => {
  if (session.active?.pinned) scroller.scrollTop = scroller.scrollHeight;
});

scroller.addEventListener("scroll", () => {
  const room = session.active;
  if (!room) return;
  room.pinned = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_PX;
  if (room.pinned && room.newBelow) {
    room.newBelow = 0;
    renderJump();
  }
  if (scroller.scrollTop < NEAR_PX) loadOlder(room);
});

// ---- Sign-in and the controls ---------------------------------------------------------------------

$("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  const join = $("join");
  $("sign-in-error").textContent = "";
  session.user = $("user").value.trim();
  join.disabled = true;
  let room;
  try {
    await connect();
    room = await openRoom($("room").value);
  } catch (error) {
    $("sign-in-error").textContent = connection.state === ConnectionState.Connected
      ? error.message
      : "Could not reach the chat service. Is it running?";
    showStatus();
    return;
  } finally {
    join.disabled = false;
  }

  session.signedIn = true;
  const others = rememberedRooms().filter((name) => roomKey(name) !== room.key);
  localStorage.setItem(STORED.user, session.user);
  rememberRooms();
  $("identity-name").textContent = room.user;
  $("sign-in").hidden = true;
  $("chat").hidden = false;
  $("identity").hidden = false;
  $("chat").dataset.members = WIDE.matches ? "open" : "closed";
  syncToggles();
  activate(room);
  composer.focus();
  // The other rooms of the last visit come back too; one the server no longer accepts is forgotten.
  for (const name of others) openRoom(name).catch(() => {}).finally(() => rememberRooms());
});

$("add-room").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("new-room");
  $("add-room-error").textContent = "";
  try {
    const room = await openRoom(input.value);
    input.value = "";
    setAdding(false);
    activate(room);
    composer.focus();
  } catch (error) {
    $("add-room-error").textContent = error.message;
  }
});

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const room = session.active;
  const text = composer.value;
  if (!text.trim()) return;
  composer.value = "";
  fitComposer();
  room.typingSentAt = 0;
  const entry = room.queue(text);
  followLatest();
  deliver(room, entry);
});

composer.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});

composer.addEventListener("input", () => {
  fitComposer();
  const room = session.active;
  if (!room?.joined || !composer.value.trim() || Date.now() - room.typingSentAt < TYPING_NOTICE_EVERY_MS) return;
  room.typingSentAt = Date.now();
  connection.invoke("Typing", room.name).catch(() => {});
});

/** Grows the message box with its text, up to the height the stylesheet allows. */
function fitComposer() {
  composer.style.height = "auto";
  // Empty, it keeps its one row: a long placeholder would otherwise make it grow.
  if (composer.value) composer.style.height = `${composer.scrollHeight + composer.offsetHeight - composer.clientHeight}px`;
}

$("older").addEventListener("click", () => { loadOlder(session.active); });

$("jump").addEventListener("click", () => {
  followLatest();
  composer.focus();
});

$("leave").addEventListener("click", () => {
  const room = session.active;
  removeRoom(room);
  rememberRooms();
  connection.invoke("Leave", room.name).catch(() => {});
  const next = session.rooms.values().next().value;
  if (next) activate(next);
  else signOut();
});

$("sign-out").addEventListener("click", () => { signOut(); });

/** Back to the sign-in form; the rooms stay remembered for the next sign-in. */
function signOut() {
  session.signedIn = false;
  for (const room of [...session.rooms.values()]) removeRoom(room);
  connection.stop();
  $("chat").hidden = true;
  $("identity").hidden = true;
  $("sign-in").hidden = false;
  $("room").value = localStorage.getItem(STORED.room) ?? "";
  $("user").focus();
  renderTitle();
  showStatus();
}

$("members-toggle").addEventListener("click", () => {
  const chat = $("chat");
  chat.dataset.members = chat.dataset.members === "open" ? "closed" : "open";
  syncToggles();
});

$("add-room-toggle").addEventListener("click", () => {
  setAdding($("rooms-panel").dataset.adding !== "open");
  if ($("rooms-panel").dataset.adding === "open") $("new-room").focus();
});

function setAdding(open) {
  $("rooms-panel").dataset.adding = open ? "open" : "closed";
  syncToggles();
}

function syncToggles() {
  $("members-toggle").setAttribute("aria-expanded", String($("chat").dataset.members === "open"));
  $("add-room-toggle").setAttribute("aria-expanded", String($("rooms-panel").dataset.adding === "open"));
}

document.addEventListener("keydown", (event) => {
  if (!session.signedIn) return;
  if (event.key === "Escape") {
    // Closes what covers the conversation (on narrow screens), else returns to the latest messages.
    if (!WIDE.matches && $("chat").dataset.members === "open") {
      $("chat").dataset.members = "closed";
      syncToggles();
      $("members-toggle").focus();
    } else if ($("rooms-panel").dataset.adding === "open") {
      setAdding(false);
      $("add-room-toggle").focus();
    } else if (session.active && !session.active.pinned) {
      followLatest();
    }
  } else if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
    // Alt+Up and Alt+Down move between rooms.
    const rooms = [...session.rooms.values()];
    const at = rooms.indexOf(session.active);
    const next = rooms[(at + (event.key === "ArrowUp" ? -1 : 1) + rooms.length) % rooms.length];
    if (next) {
      event.preventDefault();
      activate(next);
    }
  }
});

$("user").value = localStorage.getItem(STORED.user) ?? "";
$("room").value = localStorage.getItem(STORED.room) ?? "lobby";
($("user").value ? $("join") : $("user")).focus();
showStatus();
