// What the page reads from the hub's refusals, and how long it waits before trying again.
import assert from "node:assert/strict";
import { test } from "node:test";
import { backoff, refusal, retryAfter } from "../wwwroot/protocol.js";

test("the backoff starts at 0.25 to 0.5 s and doubles up to at most 10 s", () => {
  assert.equal(backoff(0, () => 0), 250);
  assert.equal(backoff(0, () => 0.999), 499.75);
  assert.equal(backoff(1, () => 0), 500);
  assert.equal(backoff(20, () => 0.999), 9995);
  assert.equal(backoff(20, () => 0), 5000);
});

test("a refusal is the server's reason; any other failure is null", () => {
  const error = new Error("An unexpected error occurred invoking 'Send' on the server. HubException: text: must not be empty or only whitespace");
  assert.equal(refusal(error), "text: must not be empty or only whitespace");
  assert.equal(refusal(new Error("WebSocket closed with status code: 1006")), null);
});

test("a rate refusal names the wait; other refusals do not", () => {
  assert.equal(retryAfter("rate: a connection may send 10 messages at once and 5 more per second; retry in 1 s (retryAfterMs=200)"), 200);
  assert.equal(retryAfter("rate: a room accepts 100 messages at once and 50 more per second; try again shortly"), null);
  assert.equal(retryAfter("busy: this server has 9 messages waiting to be stored; retry in a moment"), null);
  assert.equal(retryAfter(null), null);
});
