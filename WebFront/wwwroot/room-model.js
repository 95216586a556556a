// One room as the hub contract sees it (docs/protocol.md), without a screen: which history the page follows
// (epoch), how far it has come (lastSeq), the live messages that came ahead of their turn, and the user's
// messages the room has not acknowledged yet. It tells its listeners what to show and what to send through
// events; nothing here touches the page, so node runs it as it is (WebFront/tests).
import { backoff, newMessageId } from "./protocol.js";

/** How many messages a room opens with, and how many each step back in its history adds. */
export const PAGE_SIZE = 50;

/**
 * At most this many messages wait for an earlier seq. Past it the page gives up on the missing seqs, as it
 * does when the server says it skipped them, instead of holding ever more messages back.
 */
export const EARLY_LIMIT = 500;

export const NOTICES = {
  skipped: "Some messages could not be shown.",
  startedOver: "The room's history started over: its earlier history was lost.",
  away: "Some messages sent while you were away are no longer kept.",
};

/** A model event; its `detail` is what listeners registered with `on` receive. */
class RoomEvent extends Event {
  constructor(type, detail) {
    super(type);
    this.detail = detail;
  }
}

/**
 * Events (detail in braces):
 * - "message" { message, isNew }: a stored message to show after the ones shown, in seq order, each once.
 *   isNew is false for the history a first join brings.
 * - "sent" { entry, message }: the room stored one of the user's pending messages as `message`.
 * - "queued" { entry, again }: a message the user wrote is pending (again: a refused one is sent once more).
 * - "failed" { entry, reason } / "dismissed" { entry }: the room refused a message; the user dropped it.
 * - "send" { entry, delay }: deliver `entry` after `delay` ms (call startSend first).
 * - "notice" { text, kind, user? }: a line about the room (with the user it names, for "joined" and "left"): "joined", "left", or "gap" (messages that will not come).
 * - "reset" { reason }: "epoch": the history started over; forget every stored message shown.
 *   "skipped": messages up to the new position will not come.
 * - "rejoin" {}: join again with since = null (`since` says so) to load the history that started over.
 * - "older" { messages }: older messages (ascending) to show before everything shown.
 * - "joined" {}, "members" {}: a Join was taken; the members changed.
 */
export class RoomModel extends EventTarget {
  #early = new Map();     // seq -> message that arrived before the Join answer or ahead of a gap
  #outbox = new Map();    // clientMessageId -> { id, text, attempts }: not acknowledged, in the order written
  #failed = new Map();    // clientMessageId -> entry the room refused, until sent again or dismissed
  #sending = new Map();   // clientMessageId -> the attempt in flight
  #skipWhenJoined = null; // { lastSeq, epoch } of a "skipped" reset that came while a Join was under way
  #earlyLimit;
  #newId;
  #delay;

  /**
   * @param name the room as the user typed it; the server's spelling once joined
   * @param user the user's name; the server's spelling once joined
   */
  constructor(name, user, { earlyLimit = EARLY_LIMIT, newId = newMessageId, delay = backoff } = {}) {
    super();
    this.name = name.trim();
    this.user = user;
    this.epoch = null;          // names the room's stored history; null until joined (again, after it started over)
    this.lastSeq = 0;           // the highest seq shown: live messages continue right after it
    this.joined = false;        // false while a Join is under way: live messages wait in the early buffer
    this.members = new Set();
    this.oldestSeq = 1;         // History pages go back from here
    this.hasOlder = false;
    this.olderGone = false;     // older messages existed but the room no longer keeps them
    this.loadingOlder = false;
    this.generation = 0;        // changes when the history starts over: answers asked for before are stale
    this.#earlyLimit = earlyLimit;
    this.#newId = newId;
    this.#delay = delay;
  }

  /** Calls `listener(detail)` for each event of `type`; returns what stops it. */
  on(type, listener) {
    const handler = (event) => listener(event.detail);
    this.addEventListener(type, handler);
    return () => this.removeEventListener(type, handler);
  }

  /** The `since` of the next Join: null the first time and after the history started over, else lastSeq. */
  get since() {
    return this.epoch === null ? null : this.lastSeq;
  }

  /** The messages not acknowledged yet, in the order written: resend them, with their ids, after a Join. */
  get pending() {
    return [...this.#outbox.values()];
  }

  /** How many live messages wait for an earlier seq. */
  get waiting() {
    return this.#early.size;
  }

  /** The connection dropped: the next one joins again, and what this one held back is not needed. */
  connectionLost() {
    this.joined = false;
    this.#early.clear();
    this.#skipWhenJoined = null;
    this.#sending.clear();
  }

  /**
   * Takes a Join answer to a Join asked when `generation` was the room's. One under another epoch than the
   * room had, or ending below the room's last seq, means the history started over: what was shown is dropped and the answer is the new history,
   * older pages coming through History. Returns false when the answer is stale (asked before the history
   * started over): the Join that "rejoin" asked for answers instead.
   */
  joinedWith(result, generation = this.generation) {
    if (generation !== this.generation) return false;
    // Another epoch, or the same one ending below what was shown (its store went back in time): either way
    // the seqs shown no longer name the room's messages.
    if (this.epoch !== null && (result.epoch !== this.epoch || result.lastSeq < this.lastSeq)) this.#startOver();

    const first = this.epoch === null;
    this.epoch = result.epoch;
    this.name = result.room;
    this.user = result.user;
    let messages = result.messages;
    if (first) {
      // One page to start with; History brings the rest as the user scrolls back.
      messages = messages.slice(-PAGE_SIZE);
      this.lastSeq = messages.length ? messages[0].seq - 1 : result.lastSeq;
      this.oldestSeq = this.lastSeq + 1;
      this.hasOlder = this.oldestSeq > 1;
      this.olderGone = false;
    } else {
      const keptFrom = messages.length ? messages[0].seq : result.lastSeq + 1;
      if (keptFrom > this.lastSeq + 1) {
        // Messages came while this page was away and have already aged out of the room's history.
        this.#emit("notice", { text: NOTICES.away, kind: "gap" });
        this.lastSeq = keptFrom - 1;
      }
    }

    this.members = new Set(result.members);
    this.joined = true;
    for (const message of messages) this.#early.set(message.seq, message);
    this.#drain(!first);
    const skip = this.#skipWhenJoined;
    this.#skipWhenJoined = null;
    if (skip && (skip.epoch == null || skip.epoch === this.epoch)) this.#skipTo(skip.lastSeq);
    this.#emit("members", {});
    this.#emit("joined", {});
    return true;
  }

  /** A live message: shown once, in seq order, when every earlier one was. */
  receive(message) {
    if (this.joined && message.seq <= this.lastSeq) return;
    this.#early.set(message.seq, message);
    if (this.joined) this.#drain(true);
    this.#keepEarlyBounded();
  }

  /**
   * The server's `reset` { reason, lastSeq, epoch }. "skipped": the messages up to lastSeq will not come,
   * so the room goes on after it. "epoch" (or a skip under another epoch): the history started over; the
   * room forgets its positions and asks to join again, keeping its unacknowledged messages.
   */
  reset({ reason, lastSeq, epoch }) {
    const otherEpoch = epoch != null && this.epoch !== null && epoch !== this.epoch;
    if (reason === "epoch" || otherEpoch) {
      // A Join already answered under that epoch, past that point, has nothing to catch up on.
      if (epoch != null && epoch === this.epoch && this.lastSeq >= lastSeq) return;
      this.#startOver();
      this.#early.clear();
      this.joined = false;
      this.#emit("rejoin", {});
    } else if (reason === "skipped") {
      if (this.joined) this.#skipTo(lastSeq);
      else if (lastSeq > (this.#skipWhenJoined?.lastSeq ?? -1)) this.#skipWhenJoined = { lastSeq, epoch };
    }
  }

  /** A message the user wrote: pending at once, with a new client message id; returns its entry. */
  queue(text) {
    const entry = { id: this.#newId(), text, attempts: 0 };
    this.#outbox.set(entry.id, entry);
    this.#emit("queued", { entry, again: false });
    this.#sendSoon(entry, 0);
    return entry;
  }

  /**
   * Starts one attempt at sending the entry with id `id`: returns { id, text, generation } to send, or null
   * when there is nothing to send now (acknowledged, refused, already in flight, or the room not joined).
   */
  startSend(id) {
    const entry = this.#outbox.get(id);
    if (!entry || !this.joined || this.#sending.has(id)) return null;
    const attempt = { id, text: entry.text, generation: this.generation };
    this.#sending.set(id, attempt);
    return attempt;
  }

  /** The room stored the message of `attempt` as `message` (Send's answer). */
  acknowledged(attempt, message) {
    this.#settle(attempt);
    const entry = this.#outbox.get(attempt.id);
    if (attempt.generation !== this.generation) {
      // Stored in a history that has since started over: it goes again, with its id, into the new one.
      if (entry) this.#sendSoon(entry, 0);
      return;
    }
    this.receive(message);
    // Shown by now, or passed over with messages that will not come: stored either way.
    if (entry && this.#outbox.has(entry.id) && message.seq <= this.lastSeq) this.#sent(entry, message);
  }

  /**
   * The room was busy, did not answer, or asked to wait `waitMs` (a rate limit): the message stays pending
   * and goes again, with its id, after that wait or else a growing backoff.
   */
  retryLater(attempt, waitMs = null) {
    if (this.#sending.get(attempt.id) !== attempt) return;
    this.#sending.delete(attempt.id);
    const entry = this.#outbox.get(attempt.id);
    if (entry) this.#sendSoon(entry, waitMs ?? this.#delay(entry.attempts++));
  }

  /** The room refused the message for `reason`: it is no longer pending; the user can send it again or drop it. */
  refused(attempt, reason) {
    this.#settle(attempt);
    const entry = this.#outbox.get(attempt.id);
    if (!entry) return;
    this.#outbox.delete(entry.id);
    this.#failed.set(entry.id, entry);
    this.#emit("failed", { entry, reason });
  }

  /** Sends a refused message again, with its id. */
  resend(id) {
    const entry = this.#failed.get(id);
    if (!entry) return;
    this.#failed.delete(id);
    entry.attempts = 0;
    this.#outbox.set(id, entry);
    this.#emit("queued", { entry, again: true });
    this.#sendSoon(entry, 0);
  }

  /** Drops a refused message. */
  dismiss(id) {
    const entry = this.#failed.get(id);
    if (!entry) return;
    this.#failed.delete(id);
    this.#emit("dismissed", { entry });
  }

  /** A `notification`: someone came or went. */
  notified(notification) {
    // People know when they come and go themselves; after a reconnect the line would only be noise.
    if (notification.user !== this.user) this.#emit("notice", { text: notification.description, kind: notification.kind, user: notification.user });
    if (notification.kind === "joined") this.members.add(notification.user);
    if (notification.kind === "left") this.members.delete(notification.user);
    this.#emit("members", {});
  }

  /** Takes a page from History (ascending, older than everything shown). */
  olderLoaded(page) {
    if (page.length) {
      this.oldestSeq = page[0].seq;
      this.#emit("older", { messages: page });
    }
    this.hasOlder = page.length > 0 && page[0].seq > 1;
    this.olderGone = !this.hasOlder && this.oldestSeq > 1;
  }

  #drain(isNew) {
    for (const seq of this.#early.keys()) {
      if (seq <= this.lastSeq) this.#early.delete(seq);
    }
    while (this.#early.has(this.lastSeq + 1)) {
      const message = this.#early.get(this.lastSeq + 1);
      this.#early.delete(message.seq);
      this.lastSeq = message.seq;
      this.#show(message, isNew);
    }
  }

  /** Goes on after `seq`: what is held up to it shows now, the rest of it will not come. */
  #skipTo(seq) {
    if (seq <= this.lastSeq) return;
    const held = [...this.#early.values()].filter((message) => message.seq <= seq).sort((a, b) => a.seq - b.seq);
    for (const message of held) {
      this.#early.delete(message.seq);
      this.#show(message, true);
    }
    this.lastSeq = seq;
    this.#emit("reset", { reason: "skipped" });
    this.#emit("notice", { text: NOTICES.skipped, kind: "gap" });
    this.#drain(true);
  }

  #keepEarlyBounded() {
    while (this.#early.size > this.#earlyLimit) {
      const lowest = Math.min(...this.#early.keys());
      // Joined, the seqs before the lowest one held are overdue: stop waiting for them. While a Join is
      // under way its answer most likely brings the lowest ones.
      if (this.joined) this.#skipTo(lowest - 1);
      else this.#early.delete(lowest);
    }
  }

  #show(message, isNew) {
    const entry = this.#outbox.get(message.id);
    if (entry && message.user === this.user) this.#sent(entry, message);
    else this.#emit("message", { message, isNew });
  }

  #sent(entry, message) {
    this.#outbox.delete(entry.id);
    this.#sending.delete(entry.id);
    this.#emit("sent", { entry, message });
  }

  #settle(attempt) {
    if (this.#sending.get(attempt.id) === attempt) this.#sending.delete(attempt.id);
  }

  /** Asks for a delivery of `entry`; a room not joined resends its pending messages once it is. */
  #sendSoon(entry, delay) {
    if (this.joined) this.#emit("send", { entry, delay });
  }

  /** Forgets the positions in the history left behind: what was asked before answers for it no longer. */
  #startOver() {
    this.generation++;
    this.epoch = null;
    this.lastSeq = 0;
    this.oldestSeq = 1;
    this.hasOlder = false;
    this.olderGone = false;
    this.#skipWhenJoined = null;
    this.#emit("reset", { reason: "epoch" });
    this.#emit("notice", { text: NOTICES.startedOver, kind: "gap" });
  }

  #emit(type, detail) {
    this.dispatchEvent(new RoomEvent(type, detail));
  }
}
