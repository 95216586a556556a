// Rooms are known by the name the server answers Join with, which JavaScript's lower-casing cannot predict.
import assert from "node:assert/strict";
import { test } from "node:test";
import { RoomRegistry, roomKey } from "../wwwroot/room-registry.js";

/** A room as the registry sees one: it only reads `name`. */
function typedRoom(name) {
  return { name };
}

test("JavaScript and the server lower-case a final sigma differently", () => {
  // The server's rule (docs/protocol.md, "room") is .NET's invariant lower-casing, which has no final form.
  assert.equal(roomKey("ΟΔΟΣ"), "οδος");
  assert.notEqual(roomKey("ΟΔΟΣ"), "οδοσ");
});

test("events under the server's spelling reach a room typed with another, those before its Join answer too", () => {
  const rooms = new RoomRegistry();
  const room = typedRoom("ΟΔΟΣ");
  rooms.add(room);

  assert.equal(rooms.get("οδοσ"), undefined);
  assert.equal(rooms.hold("οδοσ", "message 1"), true);
  assert.equal(rooms.hold("elsewhere", "message in another room"), true);
  assert.equal(rooms.named(room, "οδοσ"), room);

  assert.deepEqual(rooms.takeHeld("οδοσ"), ["message 1"]);
  assert.deepEqual(rooms.takeHeld("οδοσ"), []);
  assert.equal(rooms.get("οδοσ"), room);
  assert.equal(rooms.get(roomKey("ΟΔΟΣ")), undefined);
});

test("two typed names the server takes for one room end up as one room", () => {
  const rooms = new RoomRegistry();
  const first = typedRoom("οδοσ");
  rooms.add(first);
  rooms.named(first, "οδοσ");
  const second = typedRoom("ΟΔΟΣ");
  assert.equal(rooms.findTyped("ΟΔΟΣ"), undefined, "JavaScript cannot tell they are one");
  rooms.add(second);

  assert.equal(rooms.named(second, "οδοσ"), first);

  assert.equal(rooms.has(second), false);
  assert.deepEqual([...rooms.values()], [first]);
  assert.equal(rooms.get("οδοσ"), first);
});

test("a typed name finds the open room it means", () => {
  const rooms = new RoomRegistry();
  const lobby = typedRoom("Lobby");
  rooms.add(lobby);

  assert.equal(rooms.findTyped(" lobby "), lobby);
  rooms.named(lobby, "lobby");
  assert.equal(rooms.findTyped("LOBBY"), lobby);
});

test("nothing is held while no first Join is under way, and what is held stays bounded", () => {
  const rooms = new RoomRegistry({ heldLimit: 3 });
  assert.equal(rooms.hold("lobby", "stray"), false);

  const room = typedRoom("Lobby");
  rooms.add(room);
  for (let i = 1; i <= 5; i++) rooms.hold("lobby", `message ${i}`);
  rooms.named(room, "lobby");

  assert.deepEqual(rooms.takeHeld("lobby"), ["message 3", "message 4", "message 5"]);
  assert.equal(rooms.hold("lobby", "late"), false);
});

test("a room that is left gets nothing more and holds nothing for its name", () => {
  const rooms = new RoomRegistry();
  const room = typedRoom("Lobby");
  rooms.add(room);
  rooms.hold("lobby", "message 1");

  rooms.delete(room);

  assert.equal(rooms.size, 0);
  assert.equal(rooms.has(room), false);
  assert.deepEqual(rooms.takeHeld("lobby"), []);
});
