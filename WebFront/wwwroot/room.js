// One room the user is in: its messages in seq order (each shown once, across reconnects), its members,
// who is typing, and the messages not yet acknowledged. It speaks to the page through `events`.
import { newMessageId } from "./hub.js";
import { Timeline } from "./timeline.js";
import { TYPING_SHOWN_MS } from "./typing.js";

/** How many messages a room opens with, and how many each step back in its history adds. */
export const PAGE_SIZE = 50;

/** The name the server will use for a room: rooms are case-insensitive (docs/protocol.md, "room"). */
export function roomKey(name) {
  return name.trim().normalize("NFC").toLowerCase();
}

export class Room {
  /**
   * @param name the room as the user typed it; the server's spelling once joined
   * @param user the user's name; the server's spelling once joined
   * @param events { joined(room), shown(room, message, isNew), membersChanged(room), typingChanged(room),
   *               retry(room, entry) }
   */
  constructor(name, user, events) {
    this.key = roomKey(name);
    this.name = name.trim();
    this.user = user;
    this.events = events;
    this.timeline = new Timeline();
    this.timeline.ownUser = user;
    this.epoch = null;          // names the room's stored history; null until the first join
    this.lastSeq = 0;           // the highest seq shown: live messages continue right after it
    this.oldestSeq = 1;         // History pages go back from here
    this.hasOlder = false;
    this.olderGone = false;     // older messages existed but the room no longer keeps them
    this.loadingOlder = false;
    this.generation = 0;        // changes when the history starts over, so late History pages are dropped
    this.joined = false;        // false while a Join is under way: live messages wait in `early`
    this.early = new Map();     // seq -> message that arrived before the Join result or ahead of a gap
    this.members = new Set();
    this.outbox = [];           // { id, text, element }: not acknowledged; resent with the same id after a reconnect
    this.typers = new Map();    // user -> when their "is typing" ends (ms)
    this.typingTimer = 0;
    this.typingSentAt = 0;
    this.unread = 0;            // messages of others that arrived while another room was on screen
    this.newBelow = 0;          // messages that arrived while the user was reading further up
    this.pinned = true;         // the view follows new messages (it is scrolled to the bottom)
    this.scrollTop = 0;
    this.draft = "";
  }

  /** The `since` of the next Join: null the first time, then the last seq shown (docs/protocol.md). */
  get since() {
    return this.epoch === null ? null : this.lastSeq;
  }

  /**
   * Takes a Join result. Returns false when the room's history started over (another epoch): everything
   * stored is dropped, and the caller joins again with `since` null.
   */
  joinedWith(result) {
    if (this.epoch !== null && result.epoch !== this.epoch) {
      this.#startOver();
      return false;
    }

    const first = this.epoch === null;
    this.epoch = result.epoch;
    this.name = result.room;
    this.user = result.user;
    this.timeline.ownUser = result.user;
    let messages = result.messages;
    if (first) {
      // One page to start with; History brings the rest as the user scrolls back.
      messages = messages.slice(-PAGE_SIZE);
      this.lastSeq = messages.length ? messages[0].seq - 1 : result.lastSeq;
      this.oldestSeq = this.lastSeq + 1;
      this.hasOlder = this.oldestSeq > 1;
    } else {
      const keptFrom = messages.length ? messages[0].seq : result.lastSeq + 1;
      if (keptFrom > this.lastSeq + 1) {
        // Messages arrived while this page was away and have already aged out of the room's history.
        this.timeline.notice("Some messages sent while you were away are no longer kept", "gap");
        this.lastSeq = keptFrom - 1;
      }
    }

    this.members = new Set(result.members);
    this.joined = true;
    for (const message of messages) this.early.set(message.seq, message);
    this.#drain(!first);
    this.events.membersChanged(this);
    this.events.joined(this);
    return true;
  }

  /** A live message or an acknowledgement: shown once, in seq order. */
  accept(message) {
    if (message.seq <= this.lastSeq) return;
    this.early.set(message.seq, message);
    if (this.joined) this.#drain(true);
  }

  /** Adds a page from History (ascending, older than everything shown). */
  olderLoaded(page) {
    if (page.length) {
      this.timeline.prepend(page);
      this.oldestSeq = page[0].seq;
    }
    this.hasOlder = page.length > 0 && page[0].seq > 1;
    this.olderGone = !this.hasOlder && this.oldestSeq > 1;
  }

  /** A message the user wrote: shown as pending at once; returns the outbox entry to deliver. */
  queue(text) {
    const entry = { id: newMessageId(), text, element: this.timeline.pending(text), attempts: 0, sending: false };
    this.outbox.push(entry);
    return entry;
  }

  /** The room stored `entry` as `message`. */
  acknowledged(entry, message) {
    this.accept(message);
    if (this.outbox.includes(entry) && message.seq <= this.lastSeq) {
      // Shown already, or skipped over as aged out: either way it is stored, so no longer pending.
      this.outbox.splice(this.outbox.indexOf(entry), 1);
      this.timeline.confirm(entry.element, message);
    }
  }

  /** The room refused `entry`: it stays on screen with the reason, until sent again or dismissed. */
  refused(entry, reason) {
    this.outbox.splice(this.outbox.indexOf(entry), 1);
    this.timeline.fail(entry.element, reason, {
      retry: () => {
        this.timeline.retry(entry.element);
        this.outbox.push(entry);
        this.events.retry(this, entry);
      },
      dismiss: () => this.timeline.remove(entry.element),
    });
  }

  isPending(entry) {
    return this.outbox.includes(entry);
  }

  notified(notification) {
    // People know when they come and go themselves; after a reconnect the line would only be noise.
    if (notification.user !== this.user) this.timeline.notice(notification.description, notification.kind);
    if (notification.kind === "joined") this.members.add(notification.user);
    if (notification.kind === "left") this.members.delete(notification.user);
    this.events.membersChanged(this);
  }

  /** Someone is typing here; never the user themself (whose other tabs tell the room too). */
  typing(user) {
    if (user === this.user) return;
    this.typers.set(user, Date.now() + TYPING_SHOWN_MS);
    this.#expireTypers();
  }

  get typingUsers() {
    return [...this.typers.keys()];
  }

  #drain(isNew) {
    for (const seq of this.early.keys()) {
      if (seq <= this.lastSeq) this.early.delete(seq);
    }
    while (this.early.has(this.lastSeq + 1)) {
      const message = this.early.get(this.lastSeq + 1);
      this.early.delete(message.seq);
      this.lastSeq = message.seq;
      this.#show(message, isNew);
    }
  }

  #show(message, isNew) {
    const entry = this.outbox.find((e) => e.id === message.id);
    if (entry && message.user === this.user) {
      this.outbox.splice(this.outbox.indexOf(entry), 1);
      this.timeline.confirm(entry.element, message);
    } else {
      this.timeline.append(message);
    }
    this.events.shown(this, message, isNew);
    if (this.typers.delete(message.user)) this.events.typingChanged(this);
  }

  #expireTypers() {
    const now = Date.now();
    for (const [user, until] of this.typers) {
      if (until <= now) this.typers.delete(user);
    }
    clearTimeout(this.typingTimer);
    if (this.typers.size) {
      const next = Math.min(...this.typers.values());
      this.typingTimer = setTimeout(() => this.#expireTypers(), next - now);
    }
    this.events.typingChanged(this);
  }

  #startOver() {
    this.generation++;
    this.epoch = null;
    this.lastSeq = 0;
    this.oldestSeq = 1;
    this.hasOlder = false;
    this.olderGone = false;
    this.early.clear();
    this.timeline.clearStored();
    this.timeline.notice("This room's history was lost and started over", "gap");
  }
}
