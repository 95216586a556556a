// One room's messages and notices as a list, oldest first. Stored messages are in seq order; messages not
// yet acknowledged stay after them until the room gives them their place.
import { button, el, nameOf, setAvatar } from "./dom.js";

// Consecutive messages of one sender share a header unless this much time passed between two of them.
const GROUP_WINDOW_MS = 5 * 60_000;

const clock = new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit" });
const dayAndClock = new Intl.DateTimeFormat([], { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
const fullDate = new Intl.DateTimeFormat([], { dateStyle: "full", timeStyle: "short" });

export class Timeline {
  constructor() {
    this.list = el("ol", "timeline");
    this.list.setAttribute("role", "log");
    this.ownUser = "";
  }

  /** A stored message, after the stored ones. */
  append(message) {
    this.#placeStored(this.#render(message));
  }

  /** Older stored messages (ascending), before everything on the list. */
  prepend(messages) {
    const formerFirst = this.list.firstElementChild;
    const items = messages.map((message) => this.#render(message));
    this.list.prepend(...items);
    for (const item of items) regroup(item);
    regroup(formerFirst);
  }

  /** A message of this user that the room has not acknowledged yet; returns its list item. */
  pending(text) {
    const item = this.#render({ user: this.ownUser, text, sentAt: null });
    item.classList.add("pending");
    this.list.append(item);
    regroup(item);
    return item;
  }

  /** The room stored a pending message: it takes its place among the stored ones, with its time. */
  confirm(item, message) {
    item.classList.remove("pending", "failed");
    item.dataset.seq = message.seq;
    item.dataset.time = Date.parse(message.sentAt);
    item.querySelector(".stamp").replaceWith(stamp(message.sentAt));
    const formerNext = item.nextElementSibling;
    this.#placeStored(item);
    regroup(formerNext);
  }

  /** The room refused a message: it stays where it was, with the room's reason and what the user can do. */
  fail(item, reason, { retry, dismiss }) {
    item.classList.replace("pending", "failed");
    item.querySelector(".stamp").replaceWith(stamp(null, "not sent"));
    const failure = el("div", "failure");
    failure.append(el("span", "reason", reason), button("link", "Retry", retry), button("link", "Dismiss", dismiss));
    item.append(failure);
  }

  /** A refused message is sent again: pending once more, after the stored ones. */
  retry(item) {
    item.classList.replace("failed", "pending");
    item.querySelector(".failure")?.remove();
    item.querySelector(".stamp").replaceWith(stamp(null));
    const formerNext = item.nextElementSibling;
    this.list.append(item);
    regroup(formerNext);
    regroup(item);
  }

  remove(item) {
    const formerNext = item.nextElementSibling;
    item.remove();
    regroup(formerNext);
  }

  /** A line about the room rather than from a person: joined, left, messages lost; the name it starts with is isolated. */
  notice(text, kind, user = null) {
    const item = el("li", `notice ${kind}`);
    const line = user && text.startsWith(user) ? el("span") : el("span", "", text);
    if (user && text.startsWith(user)) line.append(nameOf(user), text.slice(user.length));
    item.append(line, stamp(new Date().toISOString()));
    this.#placeStored(item);
  }

  /** Forgets every stored message and notice (the room's history started over); pending messages stay. */
  clearStored() {
    for (const item of [...this.list.children]) {
      if (!item.classList.contains("pending")) item.remove();
    }
    regroup(this.list.firstElementChild);
  }

  #placeStored(item) {
    this.list.insertBefore(item, this.list.querySelector(":scope > .pending"));
    regroup(item);
    regroup(item.nextElementSibling);
  }

  #render(message) {
    const own = message.user === this.ownUser;
    const item = el("li", own ? "message own" : "message");
    item.dataset.user = message.user;
    item.dataset.seq = message.seq ?? "";
    item.dataset.time = message.sentAt ? Date.parse(message.sentAt) : Date.now();
    const bubble = el("div", "bubble");
    bubble.append(el("div", "text", message.text), stamp(message.sentAt));
    item.append(bubble);
    return item;
  }
}

/** Gives a message its sender's header, or takes it away when it continues the previous message's group. */
function regroup(item) {
  if (!item?.classList.contains("message")) return;
  const previous = item.previousElementSibling;
  const continues = !!previous?.classList.contains("message")
    && previous.dataset.user === item.dataset.user
    && Math.abs(Number(item.dataset.time) - Number(previous.dataset.time)) < GROUP_WINDOW_MS;
  item.classList.toggle("continued", continues);
  const header = item.querySelector(":scope > .meta");
  if (continues) {
    header?.remove();
  } else if (!header) {
    const meta = el("div", "meta");
    const avatar = el("span", "avatar");
    avatar.setAttribute("aria-hidden", "true");
    setAvatar(avatar, item.dataset.user);
    meta.append(avatar, el("span", "user", item.dataset.user));
    item.prepend(meta);
  }
}

/** The local time a message was stored ("14:05", or "3 Mar, 14:05" on another day), or its state until then. */
export function stamp(sentAt, unsentText = "sending…") {
  if (!sentAt) return el("span", "stamp", unsentText);
  const date = new Date(sentAt);
  const time = el("time", "stamp", isToday(date) ? clock.format(date) : dayAndClock.format(date));
  time.dateTime = sentAt;
  time.title = fullDate.format(date);
  return time;
}

function isToday(date) {
  const now = new Date();
  return date.getFullYear() === now.getFullYear() && date.getMonth() === now.getMonth() && date.getDate() === now.getDate();
}
