// One room on the page: its model (room-model.js: what the server said, in seq order, and what waits to be
// sent) and what the page shows of it: the timeline, who is typing, the unread count, where the user was
// scrolled to and their draft. It draws what the model tells it and passes the news on to the screen.
import { RoomModel } from "./room-model.js";
import { Timeline } from "./timeline.js";
import { TYPING_SHOWN_MS } from "./typing.js";

export class Room {
  #items = new Map(); // clientMessageId -> the list item of a message pending or refused

  /**
   * @param name the room as the user typed it
   * @param user the user's name
   * @param screen { joined(room), shown(room, message, isNew), membersChanged(room), typingChanged(room) }
   */
  constructor(name, user, screen) {
    this.model = new RoomModel(name, user);
    this.screen = screen;
    this.timeline = new Timeline();
    this.timeline.ownUser = user;
    this.typers = new Map();    // user -> when their "is typing" ends (ms)
    this.typingTimer = 0;
    this.unread = 0;            // messages of others that arrived while another room was on screen
    this.newBelow = 0;          // messages that arrived while the user was reading further up
    this.pinned = true;         // the view follows new messages (it is scrolled to the bottom)
    this.scrollTop = 0;
    this.draft = "";
    this.switcher = null;       // its button in the room switcher
    this.#draw();
  }

  /** The server's spelling once joined. */
  get name() {
    return this.model.name;
  }

  get user() {
    return this.model.user;
  }

  get members() {
    return this.model.members;
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

  #draw() {
    const { model, timeline } = this;
    model.on("joined", () => {
      timeline.ownUser = model.user;
      this.screen.joined(this);
    });
    model.on("message", ({ message, isNew }) => {
      timeline.append(message);
      this.#shown(message, isNew);
    });
    model.on("sent", ({ entry, message }) => {
      timeline.confirm(this.#items.get(entry.id), message);
      this.#items.delete(entry.id);
      this.#shown(message, true);
    });
    model.on("queued", ({ entry, again }) => {
      if (again) timeline.retry(this.#items.get(entry.id));
      else this.#items.set(entry.id, timeline.pending(entry.text));
    });
    model.on("failed", ({ entry, reason }) => {
      timeline.fail(this.#items.get(entry.id), reason, {
        retry: () => model.resend(entry.id),
        dismiss: () => model.dismiss(entry.id),
      });
    });
    model.on("dismissed", ({ entry }) => {
      timeline.remove(this.#items.get(entry.id));
      this.#items.delete(entry.id);
    });
    model.on("notice", ({ text, kind, user }) => timeline.notice(text, kind, user));
    model.on("reset", ({ reason }) => {
      if (reason === "epoch") timeline.clearStored();
    });
    model.on("older", ({ messages }) => timeline.prepend(messages));
    model.on("members", () => this.screen.membersChanged(this));
  }

  #shown(message, isNew) {
    this.screen.shown(this, message, isNew);
    if (this.typers.delete(message.user)) this.screen.typingChanged(this);
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
    this.screen.typingChanged(this);
  }
}
