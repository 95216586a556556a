// The chat page: signing in, the forms and the keys. chat.js keeps the rooms and the connection; view.js
// shows the room on screen; search.js searches it. Whatever users write goes on the page as text
// (textContent), never as HTML.
import { announceTyping, connect, disconnect, forgetRoom, leaveRoom, openRoom, send, session, startChat } from "./chat.js";
import { roomKey } from "./room-registry.js";
import { closeSearch } from "./search.js";
import { activeRoom, addSwitcher, fitComposer, followLatest, loadOlder, neighbour, removeSwitcher, screen, show } from "./view.js";

const $ = (id) => document.getElementById(id);
const STORED = { user: "orleanschat.user", room: "orleanschat.room", rooms: "orleanschat.rooms" };
const WIDE = window.matchMedia("(min-width: 64.01rem)");
const composer = $("text");

startChat(screen);

/** Opens a room with its button in the switcher; a refused one leaves no button behind. */
async function open(name) {
  try {
    return await openRoom(name, addSwitcher);
  } catch (error) {
    if (error.room) removeSwitcher(error.room);
    throw error;
  } finally {
    rememberRooms();
  }
}

function showRoom(room) {
  show(room);
  localStorage.setItem(STORED.room, room.name);
}

function rememberRooms() {
  if (!session.signedIn) return;
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

$("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  const join = $("join");
  $("sign-in-error").textContent = "";
  session.user = $("user").value.trim();
  join.disabled = true;
  let room;
  try {
    try {
      await connect();
    } catch {
      throw new Error("Could not reach the chat service. Is it running?");
    }
    room = await open($("room").value);
  } catch (error) {
    $("sign-in-error").textContent = error.message;
    return;
  } finally {
    join.disabled = false;
  }

  const others = rememberedRooms().filter((name) => roomKey(name) !== roomKey(room.name));
  session.signedIn = true;
  localStorage.setItem(STORED.user, session.user);
  rememberRooms();
  $("identity-name").textContent = room.user;
  $("sign-in").hidden = true;
  $("chat").hidden = false;
  $("identity").hidden = false;
  $("chat").dataset.members = WIDE.matches ? "open" : "closed";
  syncToggles();
  showRoom(room);
  composer.focus();
  // The other rooms of the last visit come back too; one the server no longer accepts is forgotten.
  for (const name of others) open(name).catch(() => {});
});

$("add-room").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("new-room");
  $("add-room-error").textContent = "";
  try {
    const room = await open(input.value);
    input.value = "";
    setAdding(false);
    showRoom(room);
    composer.focus();
  } catch (error) {
    $("add-room-error").textContent = error.message;
  }
});

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = composer.value;
  if (!text.trim()) return;
  composer.value = "";
  fitComposer();
  send(activeRoom(), text);
  closeSearch();
  followLatest();
});

composer.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});

composer.addEventListener("input", () => {
  fitComposer();
  if (composer.value.trim()) announceTyping(activeRoom());
});

$("older").addEventListener("click", () => { loadOlder(activeRoom()); });

$("jump").addEventListener("click", () => {
  followLatest();
  composer.focus();
});

$("search-close").addEventListener("click", () => {
  closeSearch();
  followLatest();
  composer.focus();
});

$("leave").addEventListener("click", () => {
  const room = activeRoom();
  leaveRoom(room);
  removeSwitcher(room);
  rememberRooms();
  const next = session.rooms.values().next().value;
  if (next) showRoom(next);
  else signOut();
});

$("sign-out").addEventListener("click", () => { signOut(); });

/** Back to the sign-in form; the rooms stay remembered for the next sign-in. */
function signOut() {
  session.signedIn = false;
  for (const room of [...session.rooms.values()]) {
    forgetRoom(room);
    removeSwitcher(room);
  }
  disconnect();
  $("chat").hidden = true;
  $("identity").hidden = true;
  $("sign-in").hidden = false;
  $("room").value = localStorage.getItem(STORED.room) ?? "";
  $("user").focus();
}

// Wide screens have room for the member list beside the conversation; narrower ones open it on demand.
WIDE.addEventListener("change", () => {
  $("chat").dataset.members = WIDE.matches ? "open" : "closed";
  syncToggles();
});

// On narrow screens the member list covers the conversation: a click elsewhere puts it away.
document.addEventListener("click", (event) => {
  if (WIDE.matches || $("chat").dataset.members !== "open") return;
  if (!event.target.closest("#members-panel, #members-toggle")) {
    $("chat").dataset.members = "closed";
    syncToggles();
  }
});

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
    // Closes what covers the conversation (the member list on narrow screens, the room switcher's form, a
    // search), else returns to the latest messages.
    if (!WIDE.matches && $("chat").dataset.members === "open") {
      $("chat").dataset.members = "closed";
      syncToggles();
      $("members-toggle").focus();
    } else if ($("rooms-panel").dataset.adding === "open") {
      setAdding(false);
      $("add-room-toggle").focus();
    } else {
      closeSearch();
      followLatest();
    }
  } else if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
    // Alt+Up and Alt+Down move between rooms.
    const next = neighbour(event.key === "ArrowUp" ? -1 : 1);
    if (next) {
      event.preventDefault();
      showRoom(next);
    }
  }
});

$("user").value = localStorage.getItem(STORED.user) ?? "";
$("room").value = localStorage.getItem(STORED.room) ?? "lobby";
($("user").value ? $("join") : $("user")).focus();
