// The rooms the page is in, each known by the name the server gave it in its Join answer: the server
// lower-cases with .NET's invariant rules, which differ from JavaScript's ("ΟΔΟΣ" is "οδοσ" there and
// "οδος" here), so the page never derives a room's name itself. Nothing here touches the page.

/** Events held at most for rooms whose Join has not answered yet. */
export const HELD_LIMIT = 1000;

/** A guess at which open room a typed name means, before the server says (it has the last word). */
export function roomKey(name) {
  return name.trim().normalize("NFC").toLowerCase();
}

export class RoomRegistry {
  #rooms = new Set();   // every open room, in the order opened
  #byName = new Map();  // the server's name -> its room
  #unnamed = new Set(); // rooms whose first Join has not answered yet
  #held = [];           // { name, event }: events for no known room that came while a first Join was under way
  #heldLimit;

  constructor({ heldLimit = HELD_LIMIT } = {}) {
    this.#heldLimit = heldLimit;
  }

  /** A room being joined for the first time: it gets the events of its name once its Join answers. */
  add(room) {
    this.#rooms.add(room);
    this.#unnamed.add(room);
  }

  /** The room the server's events under `name` are for. */
  get(name) {
    return this.#byName.get(name);
  }

  /** The open room whose name (the server's, or the typed one until it answered) matches `typed`. */
  findTyped(typed) {
    const key = roomKey(typed);
    for (const room of this.#rooms) {
      if (roomKey(room.name) === key) return room;
    }
    return undefined;
  }

  /**
   * The server answered `room`'s Join under `name`. Returns the room that has that name from now on:
   * `room`, or the one already open under it (then `room` is dropped: two typed names were one room).
   */
  named(room, name) {
    const owner = this.#byName.get(name);
    if (owner && owner !== room) {
      this.delete(room);
      return owner;
    }
    this.#byName.set(name, room);
    this.#unnamed.delete(room);
    return room;
  }

  /**
   * Keeps an event under `name`, which no open room has yet, for the room whose Join is about to answer
   * with that name (a live message may come before the answer). Returns false, keeping nothing, when no
   * first Join is under way.
   */
  hold(name, event) {
    if (this.#unnamed.size === 0) return false;
    this.#held.push({ name, event });
    if (this.#held.length > this.#heldLimit) this.#held.shift();
    return true;
  }

  /** The events held for `name`, in the order they came; they are no longer held. */
  takeHeld(name) {
    const taken = this.#held.filter((held) => held.name === name).map((held) => held.event);
    this.#held = this.#unnamed.size ? this.#held.filter((held) => held.name !== name) : [];
    return taken;
  }

  has(room) {
    return this.#rooms.has(room);
  }

  delete(room) {
    this.#rooms.delete(room);
    this.#unnamed.delete(room);
    for (const [name, known] of this.#byName) {
      if (known === room) this.#byName.delete(name);
    }
    if (this.#unnamed.size === 0) this.#held = [];
  }

  values() {
    return this.#rooms.values();
  }

  get size() {
    return this.#rooms.size;
  }
}
