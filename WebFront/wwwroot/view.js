// The room on screen and the room switcher: which room shows, where its list is scrolled to, its members,
// who is typing in it, and the unread counts of the others.
import { fetchOlder, session } from "./chat.js";
import { el, nameOf, setAvatar } from "./dom.js";
import { searchShown } from "./search.js";
import { describeTypers } from "./typing.js";

const $ = (id) => document.getElementById(id);
// Within this many pixels of an end of the list counts as being there (for following new messages, and
// for loading older ones).
const NEAR_PX = 64;

const scroller = $("messages");
const composer = $("text");
let active = null;

export function activeRoom() {
  return active;
}

/** What the chat tells the screen (see startChat). */
export const screen = {
  status(state) {
    const status = $("status");
    status.dataset.state = state;
    status.textContent = state;
  },
  joined(room) {
    renderSwitcher(room);
    if (room === active) {
      renderActiveRoom();
      // A history that started over may open with fewer messages than fill the screen.
      fillIfShort(room);
    }
  },
  shown(room, message, isNew) {
    const own = message.user === room.user;
    if (room === active) {
      if (own && isNew) followLatest();
      else if (isNew && !room.pinned) {
        room.newBelow++;
        renderJump();
      }
    } else if (isNew && !own) {
      room.unread++;
      renderSwitcher(room);
      renderTitle();
    }
  },
  membersChanged(room) {
    if (room === active) renderMembers();
  },
  typingChanged(room) {
    if (room === active) renderTyping();
  },
  /** `room` turned out to be `into` under another spelling: one button for it, and `into` on screen if `room` was. */
  merged(room, into) {
    const wasShown = room === active;
    removeSwitcher(room);
    if (wasShown) show(into);
  },
};

/** Adds a room's button to the switcher. */
export function addSwitcher(room) {
  const item = el("li");
  const switcher = el("button", "room");
  switcher.type = "button";
  switcher.append(el("span", "room-name"), el("span", "unread"));
  switcher.addEventListener("click", () => { show(room); });
  item.append(switcher);
  $("rooms").append(item);
  room.switcher = switcher;
  renderSwitcher(room);
}

export function removeSwitcher(room) {
  room.switcher?.parentElement.remove();
  if (active === room) active = null;
  renderTitle();
}

/** Puts `room` on screen, as the user left it: scrolled where they were, with their draft. */
export function show(room) {
  const previous = active;
  if (previous && previous !== room) {
    previous.draft = composer.value;
    previous.scrollTop = scroller.scrollTop;
  }
  active = room;
  room.unread = 0;
  if (previous !== room) {
    listResized.disconnect();
    scroller.replaceChildren($("history-edge"), room.timeline.list);
    listResized.observe(room.timeline.list);
    listResized.observe(scroller);
    scroller.scrollTop = room.pinned ? scroller.scrollHeight : room.scrollTop;
    composer.value = room.draft;
    fitComposer();
    searchShown(room);
  }
  if (room.pinned) room.newBelow = 0;
  for (const other of session.rooms.values()) {
    if (other === room) other.switcher.setAttribute("aria-current", "page");
    else other.switcher.removeAttribute("aria-current");
  }
  renderActiveRoom();
  fillIfShort(room);
}

/** The room before or after the one on screen in the switcher (`step` -1 or 1). */
export function neighbour(step) {
  const rooms = [...session.rooms.values()];
  return rooms[(rooms.indexOf(active) + step + rooms.length) % rooms.length];
}

function renderActiveRoom() {
  $("room-title").textContent = active.name;
  composer.placeholder = `Message #${active.name}`;
  renderSwitcher(active);
  renderMembers();
  renderTyping();
  renderHistoryEdge();
  renderJump();
  renderTitle();
}

function renderSwitcher(room) {
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
  const base = active ? `#${active.name} · OrleansChat` : "OrleansChat";
  document.title = unread ? `(${unread}) ${base}` : base;
}

function renderMembers() {
  const members = [...active.members].sort((a, b) => a.localeCompare(b));
  $("members-toggle").textContent = members.length === 1 ? "1 member" : `${members.length} members`;
  $("members").replaceChildren(...members.map((user) => {
    const item = el("li");
    item.append(nameOf(user));
    setAvatar(item, user);
    if (user === active.user) item.append(" ", el("span", "you", "(you)"));
    return item;
  }));
}

function renderTyping() {
  $("typing").replaceChildren(...describeTypers(active.typingUsers, nameOf));
}

function renderHistoryEdge() {
  const { loadingOlder, hasOlder, olderGone } = active.model;
  const state = loadingOlder ? "loading" : hasOlder ? "more" : olderGone ? "gone" : "start";
  const older = $("older");
  $("history-edge").dataset.state = state;
  if (document.activeElement === older && (state === "start" || state === "gone")) scroller.focus();
  older.hidden = state === "start" || state === "gone";
  older.setAttribute("aria-busy", String(state === "loading"));
  $("older-label").textContent = state === "loading" ? "Loading older messages…" : "Load older messages";
  const note = $("history-note");
  note.hidden = !older.hidden;
  note.textContent = state === "gone" ? "Older messages are no longer kept." : `This is the start of #${active.name}.`;
}

function renderJump() {
  const jump = $("jump");
  jump.hidden = active.newBelow === 0;
  jump.textContent = active.newBelow === 1 ? "1 new message ↓" : `${active.newBelow} new messages ↓`;
}

/** Loads the next older page of `room`, keeping the message the user is looking at in place. */
export async function loadOlder(room) {
  const page = await fetchOlder(room, () => { if (room === active) renderHistoryEdge(); });
  if (page) {
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;
    room.model.olderLoaded(page);
    if (room === active && !room.pinned) scroller.scrollTop = scroller.scrollHeight - fromBottom;
  }
  if (room === active) renderHistoryEdge();
  if (page) fillIfShort(room);
}

/** Loads older messages while the list is too short to scroll (no scroll event would ask for them). */
function fillIfShort(room) {
  if (room === active && room.model.hasOlder && scroller.scrollHeight <= scroller.clientHeight + NEAR_PX) {
    loadOlder(room);
  }
}

/** Scrolls to the newest message and follows new ones from there. */
export function followLatest() {
  if (!active) return;
  active.pinned = true;
  active.newBelow = 0;
  scroller.scrollTop = scroller.scrollHeight;
  renderJump();
}

/** Grows the message box with its text, up to the height the stylesheet allows. */
export function fitComposer() {
  composer.style.height = "auto";
  // Empty, it keeps its one row: a long placeholder would otherwise make it grow.
  if (composer.value) composer.style.height = `${composer.scrollHeight + composer.offsetHeight - composer.clientHeight}px`;
}

// While the view follows the latest messages, it stays at the bottom whatever grows: a message, a
// notice, a refusal's reason, the window (a phone's keyboard opening).
const listResized = new ResizeObserver(() => {
  if (active?.pinned) scroller.scrollTop = scroller.scrollHeight;
});

scroller.addEventListener("scroll", () => {
  if (!active) return;
  active.pinned = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_PX;
  if (active.pinned && active.newBelow) {
    active.newBelow = 0;
    renderJump();
  }
  if (scroller.scrollTop < NEAR_PX) loadOlder(active);
});
