// The room model's ordering and recovery rules (docs/protocol.md), without a browser or a server.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NOTICES, PAGE_SIZE, RoomModel } from "../wwwroot/room-model.js";

const EPOCH = "epoch-a";
const NEW_EPOCH = "epoch-b";
const EVENTS = ["message", "sent", "queued", "failed", "dismissed", "send", "notice", "reset", "rejoin", "older", "joined", "members"];

/** A model whose ids are id-1, id-2, … and whose backoff is 100 ms doubling, with every event it emits recorded. */
function newRoom(options = {}) {
  let ids = 0;
  const model = new RoomModel("Lobby", "Ana", { newId: () => `id-${++ids}`, delay: (attempt) => 100 * 2 ** attempt, ...options });
  const events = [];
  for (const type of EVENTS) model.on(type, (detail) => events.push({ type, ...detail }));
  return { model, events };
}

function message(seq, { user = "Ben", id = `ben-${seq}` } = {}) {
  return { room: "lobby", seq, id, user, text: `message ${seq}`, sentAt: "2025-01-01T12:00:00Z" };
}

function joinResult(messages, { epoch = EPOCH, lastSeq = messages.at(-1)?.seq ?? 0, room = "lobby", members = ["Ana", "Ben"] } = {}) {
  return { room, user: "Ana", epoch, messages, lastSeq, members };
}

function range(from, to) {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** The seqs shown, in the order shown: other people's messages and the user's own confirmed ones. */
function shown(events) {
  return events.filter((e) => e.type === "message" || e.type === "sent").map((e) => e.message.seq);
}

/** The ids of the messages shown, in the order shown. */
function shownIds(events) {
  return events.filter((e) => e.type === "message" || e.type === "sent").map((e) => e.message.id);
}

function ofType(events, type) {
  return events.filter((e) => e.type === type);
}

describe("seq ordering", () => {
  test("live messages show in seq order whatever order they arrive in, each once", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([message(1), message(2)]));

    for (const seq of [5, 3, 3, 4, 2, 5]) model.receive(message(seq));

    assert.deepEqual(shown(events), [1, 2, 3, 4, 5]);
    assert.deepEqual(ofType(events, "message").map((e) => e.isNew), [false, false, true, true, true]);
    assert.equal(model.lastSeq, 5);
    assert.equal(model.waiting, 0);
  });

  test("a live message that arrives before the Join answer waits for it", () => {
    const { model, events } = newRoom();

    model.receive(message(4));
    assert.deepEqual(shown(events), []);
    model.joinedWith(joinResult([message(1), message(2), message(3)]));

    assert.deepEqual(shown(events), [1, 2, 3, 4]);
  });

  test("a first Join shows one page of the history and History goes back from its start", () => {
    const { model, events } = newRoom();

    model.joinedWith(joinResult(range(1, 120).map((seq) => message(seq))));
    assert.deepEqual(shown(events), range(121 - PAGE_SIZE, 120));
    assert.equal(model.oldestSeq, 121 - PAGE_SIZE);
    assert.equal(model.hasOlder, true);

    model.olderLoaded(range(21, 70).map((seq) => message(seq)));
    assert.deepEqual(ofType(events, "older")[0].messages.map((m) => m.seq), range(21, 70));
    assert.equal(model.oldestSeq, 21);
    model.olderLoaded(range(1, 20).map((seq) => message(seq)));
    assert.equal(model.hasOlder, false);
    assert.equal(model.olderGone, false);
  });

  test("the room takes the server's spelling of its name and of the user", () => {
    const model = new RoomModel(" ΟΔΟΣ ", "ana");
    assert.equal(model.name, "ΟΔΟΣ");

    model.joinedWith({ ...joinResult([]), room: "οδοσ", user: "Ana" });

    assert.equal(model.name, "οδοσ");
    assert.equal(model.user, "Ana");
  });
});

describe("resuming and epochs", () => {
  test("after a reconnect the room resumes after its last seq", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([message(1), message(2), message(3)]));
    model.connectionLost();
    assert.equal(model.since, 3);

    model.joinedWith(joinResult([message(4), message(5)]));

    assert.deepEqual(shown(events), [1, 2, 3, 4, 5]);
    assert.deepEqual(ofType(events, "message").slice(3).map((e) => e.isNew), [true, true]);
  });

  test("a resume whose missed messages aged out says so and goes on from what is kept", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([message(1)]));
    model.connectionLost();

    model.joinedWith(joinResult([message(7), message(8)]));

    assert.deepEqual(shown(events), [1, 7, 8]);
    assert.deepEqual(ofType(events, "notice").map((e) => e.text), [NOTICES.away]);
  });

  test("a Join answer under another epoch starts the history over and takes the answer as the new one", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([message(1), message(2), message(3)]));
    model.connectionLost();
    const pending = model.queue("written while away");
    const generation = model.generation;
    // Seq 3 of the new history comes live before the answer, though the old history had a seq 3 too.
    model.receive(message(3, { id: "new-3" }));

    // Asked with since = 3, past the new history's last seq: the room answers with its whole window.
    assert.equal(model.joinedWith(joinResult([message(1, { id: "new-1" }), message(2, { id: "new-2" })], { epoch: NEW_EPOCH, lastSeq: 2 })), true);

    assert.deepEqual(ofType(events, "reset").map((e) => e.reason), ["epoch"]);
    assert.deepEqual(ofType(events, "notice").map((e) => e.text), [NOTICES.startedOver]);
    assert.equal(model.epoch, NEW_EPOCH);
    assert.equal(model.lastSeq, 3);
    assert.equal(model.generation, generation + 1);
    assert.equal(model.hasOlder, false);
    assert.deepEqual(model.pending.map((e) => e.id), [pending.id]);
    assert.deepEqual(shownIds(events), ["ben-1", "ben-2", "ben-3", "new-1", "new-2", "new-3"]);
  });

  test("a Join answer under the same epoch that ends below what was shown starts the history over too", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([message(1), message(2), message(3), message(4), message(5)]));
    model.connectionLost();

    // Its store went back to seq 3 and lost 4 and 5: the answer to since = 5 is the whole window.
    model.joinedWith(joinResult([message(1), message(2), message(3)]));
    model.receive(message(4, { id: "other-4" }));

    assert.deepEqual(ofType(events, "reset").map((e) => e.reason), ["epoch"]);
    assert.equal(model.lastSeq, 4);
    assert.deepEqual(shownIds(events), ["ben-1", "ben-2", "ben-3", "ben-4", "ben-5", "ben-1", "ben-2", "ben-3", "other-4"]);
  });
});

describe("reset", () => {
  test("skipped: the position advances, held messages show in order, the user's sends still confirm", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([message(1)]));
    const early = model.queue("stored in the gap");
    const late = model.queue("stored after it");
    const earlyAttempt = model.startSend(early.id);
    const lateAttempt = model.startSend(late.id);
    model.receive(message(5));
    model.receive(message(4, { user: "Ana", id: late.id }));
    model.acknowledged(lateAttempt, message(4, { user: "Ana", id: late.id }));
    assert.deepEqual(shown(events), [1]);
    assert.equal(model.waiting, 2);
    assert.equal(model.pending.length, 2, "both stay pending while seqs 2 and 3 are awaited");

    model.reset({ room: "lobby", reason: "skipped", lastSeq: 3, epoch: EPOCH });

    assert.equal(model.lastSeq, 5);
    assert.equal(model.waiting, 0);
    assert.deepEqual(shown(events), [1, 4, 5]);
    assert.deepEqual(ofType(events, "sent").map((e) => e.entry.id), [late.id]);
    assert.deepEqual(ofType(events, "notice").map((e) => e.text), [NOTICES.skipped]);

    // The other send was stored as seq 3, among the skipped ones: its acknowledgement still confirms it.
    model.acknowledged(earlyAttempt, message(3, { user: "Ana", id: early.id }));
    assert.deepEqual(ofType(events, "sent").map((e) => e.entry.id), [late.id, early.id]);
    assert.deepEqual(model.pending, []);
    model.receive(message(6));
    assert.deepEqual(shown(events), [1, 4, 5, 3, 6]);
  });

  test("skipped while a Join is under way takes effect once the Join answers", () => {
    const { model, events } = newRoom();

    model.reset({ room: "lobby", reason: "skipped", lastSeq: 4, epoch: EPOCH });
    model.receive(message(5));
    model.joinedWith(joinResult([message(1), message(2)]));

    assert.equal(model.lastSeq, 5);
    assert.deepEqual(shown(events), [1, 2, 5]);
  });

  test("a skip the room is already past changes nothing", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([message(1), message(2), message(3)]));

    model.reset({ room: "lobby", reason: "skipped", lastSeq: 2, epoch: EPOCH });

    assert.equal(model.lastSeq, 3);
    assert.deepEqual(ofType(events, "notice"), []);
  });

  test("epoch: the positions go, a fresh Join is asked for, and unacknowledged messages stay with their ids", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([message(1), message(2), message(3)]));
    const entry = model.queue("in flight when the history was lost");
    const attempt = model.startSend(entry.id);
    model.receive(message(5, { id: "old-5" }));
    const askedBefore = model.generation;

    model.reset({ room: "lobby", reason: "epoch", lastSeq: 1, epoch: NEW_EPOCH });

    assert.deepEqual(ofType(events, "reset").map((e) => e.reason), ["epoch"]);
    assert.equal(ofType(events, "rejoin").length, 1);
    assert.deepEqual(ofType(events, "notice").map((e) => e.text), [NOTICES.startedOver]);
    assert.equal(model.since, null);
    assert.equal(model.joined, false);
    assert.deepEqual(model.pending.map((e) => e.id), [entry.id]);

    // Live delivery goes on after seq 1 of the new history; the old history's answers no longer count.
    model.receive(message(2, { id: "new-2" }));
    model.acknowledged(attempt, message(4, { user: "Ana", id: entry.id }));
    assert.equal(model.joinedWith(joinResult([message(1), message(2), message(3)]), askedBefore), false, "a Join asked before the reset is stale");
    assert.deepEqual(ofType(events, "sent"), []);
    assert.deepEqual(shown(events), [1, 2, 3]);

    model.joinedWith(joinResult([message(1, { id: "new-1" })], { epoch: NEW_EPOCH }));
    assert.deepEqual(shown(events), [1, 2, 3, 1, 2]);
    const again = model.startSend(entry.id);
    assert.equal(again.id, entry.id);
    model.acknowledged(again, message(3, { user: "Ana", id: entry.id }));
    assert.deepEqual(ofType(events, "sent").map((e) => e.message.seq), [3]);
    assert.deepEqual(model.pending, []);
    model.receive(message(4, { id: "new-4" }));
    model.receive(message(5, { id: "new-5" }));
    assert.deepEqual(shownIds(events), ["ben-1", "ben-2", "ben-3", "new-1", "new-2", entry.id, "new-4", "new-5"]);
  });

  test("epoch: the answer to the Join it asked for is taken, whatever epoch it names", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([message(1)]));

    model.reset({ room: "lobby", reason: "epoch", lastSeq: 0, epoch: NEW_EPOCH });
    assert.equal(model.joinedWith(joinResult([message(1), message(2)]), model.generation), true);

    assert.equal(model.joined, true);
    assert.equal(model.epoch, EPOCH);
    assert.deepEqual(shown(events), [1, 1, 2]);
  });

  test("epoch: a history the room already follows past that point is kept", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([message(1), message(2)], { epoch: NEW_EPOCH }));

    model.reset({ room: "lobby", reason: "epoch", lastSeq: 2, epoch: NEW_EPOCH });

    assert.equal(model.joined, true);
    assert.equal(model.since, 2);
    assert.deepEqual(ofType(events, "rejoin"), []);
  });
});

describe("outbox", () => {
  test("a busy refusal keeps the message pending and retries it with the same id after a growing backoff", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([]));
    const entry = model.queue("hello");
    assert.deepEqual(ofType(events, "send").map((e) => [e.entry.id, e.delay]), [[entry.id, 0]]);

    const first = model.startSend(entry.id);
    assert.equal(model.startSend(entry.id), null, "one attempt at a time");
    model.retryLater(first);
    const second = model.startSend(entry.id);
    model.retryLater(second);
    model.retryLater(first);
    assert.deepEqual(ofType(events, "send").map((e) => [e.entry.id, e.delay]), [[entry.id, 0], [entry.id, 100], [entry.id, 200]]);

    const third = model.startSend(entry.id);
    assert.deepEqual([first.id, second.id, third.id], [entry.id, entry.id, entry.id]);
    model.acknowledged(third, message(1, { user: "Ana", id: entry.id }));
    assert.deepEqual(ofType(events, "sent").map((e) => e.entry.id), [entry.id]);
    assert.deepEqual(model.pending, []);
    assert.equal(model.startSend(entry.id), null);
  });

  test("a rate refusal retries with the same id after the wait the server named", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([]));
    const entry = model.queue("one too many");

    model.retryLater(model.startSend(entry.id), 1200);

    assert.deepEqual(ofType(events, "send").map((e) => [e.entry.id, e.delay]), [[entry.id, 0], [entry.id, 1200]]);
    assert.deepEqual(model.pending.map((e) => e.id), [entry.id]);
    assert.equal(model.startSend(entry.id).id, entry.id);
  });

  test("after a reconnect the unacknowledged messages go again with their ids, in the order written", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([message(1)]));
    const first = model.queue("one");
    const second = model.queue("two");
    const lost = model.startSend(first.id);

    model.connectionLost();
    const sendsBefore = ofType(events, "send").length;
    model.retryLater(lost);
    const third = model.queue("three");
    assert.equal(model.startSend(second.id), null, "nothing is sent before the room is joined again");
    model.joinedWith(joinResult([message(2)]));

    assert.equal(ofType(events, "send").length, sendsBefore, "what was written or failed meanwhile waited for the Join");
    assert.deepEqual(model.pending.map((e) => [e.id, e.text]), [[first.id, "one"], [second.id, "two"], [third.id, "three"]]);
    const again = model.pending.map((e) => model.startSend(e.id));
    assert.deepEqual(again.map((a) => a.id), [first.id, second.id, third.id]);
    again.forEach((attempt, i) => model.acknowledged(attempt, message(3 + i, { user: "Ana", id: attempt.id })));
    assert.deepEqual(ofType(events, "sent").map((e) => [e.entry.id, e.message.seq]), [[first.id, 3], [second.id, 4], [third.id, 5]]);
    assert.deepEqual(shown(events), [1, 2, 3, 4, 5]);
  });

  test("a message the room stored while the acknowledgement was lost confirms once, by its id", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([]));
    const entry = model.queue("hello");
    model.startSend(entry.id);
    model.connectionLost();

    model.joinedWith(joinResult([message(1, { user: "Ana", id: entry.id })]));

    assert.deepEqual(ofType(events, "sent").map((e) => e.entry.id), [entry.id]);
    assert.deepEqual(ofType(events, "message"), []);
    assert.deepEqual(model.pending, []);
  });

  test("a refused message leaves the outbox; the user can send it again with its id, or dismiss it", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([]));
    const entry = model.queue("a bell \u0007");

    model.refused(model.startSend(entry.id), "text: must not contain control characters other than tab and line break");
    assert.deepEqual(ofType(events, "failed").map((e) => e.reason), ["text: must not contain control characters other than tab and line break"]);
    assert.deepEqual(model.pending, []);

    model.resend(entry.id);
    assert.deepEqual(ofType(events, "queued").map((e) => [e.entry.id, e.again]), [[entry.id, false], [entry.id, true]]);
    assert.deepEqual(model.pending.map((e) => e.id), [entry.id]);
    model.refused(model.startSend(entry.id), "still refused");
    model.dismiss(entry.id);
    assert.deepEqual(ofType(events, "dismissed").map((e) => e.entry.id), [entry.id]);
    model.resend(entry.id);
    assert.deepEqual(model.pending, []);
  });
});

describe("early buffer", () => {
  test("stays bounded while seqs are missing: past the limit the room stops waiting for them", () => {
    const { model, events } = newRoom({ earlyLimit: 5 });
    model.joinedWith(joinResult([]));

    for (const seq of range(3, 40)) {
      model.receive(message(seq));
      assert.ok(model.waiting <= 5, `${model.waiting} messages held after seq ${seq}`);
    }

    assert.deepEqual(shown(events), range(3, 40));
    assert.equal(model.waiting, 0);
    assert.deepEqual(ofType(events, "notice").map((e) => e.text), [NOTICES.skipped]);
  });

  test("stays bounded while a Join is under way, keeping the newest", () => {
    const { model, events } = newRoom({ earlyLimit: 5 });

    for (const seq of range(1, 100)) model.receive(message(seq));
    assert.equal(model.waiting, 5);
    model.joinedWith(joinResult(range(1, 95).map((seq) => message(seq))));

    assert.deepEqual(shown(events), range(46, 100));
  });
});

describe("members", () => {
  test("notifications change the members; only other people's comings and goings show", () => {
    const { model, events } = newRoom();
    model.joinedWith(joinResult([], { members: ["Ana"] }));

    model.notified({ room: "lobby", kind: "joined", user: "Ben", description: "Ben just entered the room" });
    model.notified({ room: "lobby", kind: "joined", user: "Ana", description: "Ana just entered the room" });
    model.notified({ room: "lobby", kind: "left", user: "Ben", description: "Ben just left the room" });

    assert.deepEqual([...model.members], ["Ana"]);
    assert.deepEqual(ofType(events, "notice").map((e) => e.text), ["Ben just entered the room", "Ben just left the room"]);
    assert.equal(ofType(events, "members").length, 4);
  });
});
