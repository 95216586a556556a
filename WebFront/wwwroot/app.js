// The chat page: one room at a time. Messages are kept by seq, so a reconnect resumes with `since` = the
// last seq on screen and the page shows each message once, in order. All user text goes in as text.
const signalR = window.signalR;
const $ = (id) => document.getElementById(id);
const HUB_ERROR = "HubException: ";

const chat = {
  user: "",
  room: "",
  epoch: null,
  lastSeq: 0,        // the highest seq shown; messages arrive strictly after it
  joined: false,     // false while a Join is in flight: live messages wait in `early`
  early: new Map(),  // seq -> message that arrived before the Join result or ahead of a gap
  members: new Set(),
  outbox: [],        // messages not yet acknowledged, resent with the same id after a reconnect
};

const connection = new signalR.HubConnectionBuilder()
  .withUrl("/hubs/chat", { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
  .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (retry) => backoff(retry.previousRetryCount) })
  .build();

// Handlers return nothing: a returned value would be taken as a reply the server never asked for.
connection.on("message", (message) => { if (message.room === chat.room) accept(message); });
connection.on("notification", (notification) => { if (notification.room === chat.room) notice(notification); });
connection.onreconnecting(() => setStatus("reconnecting"));
connection.onreconnected(() => rejoin());
connection.onclose(() => { setStatus("offline"); if (chat.room) connectLater(0); });
window.addEventListener("offline", () => setStatus("offline"));

function backoff(attempt) {
  // Grows to 10 s and never gives up; jitter spreads a crowd of clients after an instance restarts.
  return Math.min(10_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
}

function setStatus(state) {
  const status = $("status");
  status.dataset.state = state;
  status.textContent = state;
}

async function connect() {
  if (connection.state === signalR.HubConnectionState.Disconnected) {
    await connection.start();
  }
  await rejoin();
}

function connectLater(attempt) {
  setTimeout(async () => {
    try {
      await connect();
    } catch {
      setStatus("offline");
      connectLater(attempt + 1);
    }
  }, backoff(attempt));
}

async function rejoin() {
  chat.joined = false;
  let result = await connection.invoke("Join", chat.room, chat.user, chat.epoch ? chat.lastSeq : null);
  if (chat.epoch && result.epoch !== chat.epoch) {
    // The room's history was lost and started over: what is on screen no longer matches its numbers.
    resetMessages();
    result = await connection.invoke("Join", chat.room, chat.user, null);
  }
  if (!chat.epoch) {
    chat.lastSeq = result.messages.length ? result.messages[0].seq - 1 : result.lastSeq;
  }
  chat.epoch = result.epoch;
  chat.room = result.room;
  chat.user = result.user;
  chat.joined = true;
  for (const message of result.messages) accept(message);
  drain();
  setMembers(result.members);
  $("older").hidden = !result.messages.length || result.messages[0].seq <= 1;
  setStatus("connected");
  await flushOutbox();
}

function accept(message) {
  if (message.seq > chat.lastSeq) chat.early.set(message.seq, message);
  if (chat.joined) drain();
}

function drain() {
  for (const seq of [...chat.early.keys()]) if (seq <= chat.lastSeq) chat.early.delete(seq);
  while (chat.early.has(chat.lastSeq + 1)) {
    const message = chat.early.get(chat.lastSeq + 1);
    chat.early.delete(message.seq);
    chat.lastSeq = message.seq;
    settle(message.id);
    appendToList(renderMessage(message));
  }
}

function renderMessage(message, pending = false) {
  const item = document.createElement("li");
  item.className = "message" + (message.user === chat.user ? " own" : "") + (pending ? " pending" : "");
  item.dataset.seq = message.seq ?? "";
  item.dataset.id = message.id;
  const meta = document.createElement("div");
  meta.className = "meta";
  const user = document.createElement("span");
  user.className = "user";
  user.textContent = message.user;
  const time = document.createElement("time");
  if (message.sentAt) {
    time.dateTime = message.sentAt;
    time.textContent = new Date(message.sentAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  } else {
    time.textContent = "sending…";
  }
  meta.append(user, time);
  const text = document.createElement("div");
  text.className = "text";
  text.textContent = message.text;
  item.append(meta, text);
  return item;
}

function appendToList(item) {
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  // Pending messages stay below the stored ones until the room acknowledges them.
  const firstPending = list.querySelector(".message.pending");
  list.insertBefore(item, item.classList.contains("pending") ? null : firstPending);
  if (atBottom || item.classList.contains("own")) list.scrollTop = list.scrollHeight;
}

function notice(notification) {
  const item = document.createElement("li");
  item.className = "notice";
  const title = document.createElement("strong");
  title.textContent = notification.title;
  item.append(title, " · ", notification.description);
  appendToList(item);
  if (notification.kind === "joined") chat.members.add(notification.user);
  if (notification.kind === "left") chat.members.delete(notification.user);
  renderMembers();
}

function setMembers(users) {
  chat.members = new Set(users);
  renderMembers();
}

function renderMembers() {
  const list = $("members");
  list.replaceChildren(...[...chat.members].sort((a, b) => a.localeCompare(b)).map((user) => {
    const item = document.createElement("li");
    item.textContent = user === chat.user ? `${user} (you)` : user;
    return item;
  }));
}

function resetMessages() {
  $("messages").querySelectorAll("li:not(.pending)").forEach((item) => item.remove());
  chat.epoch = null;
  chat.lastSeq = 0;
  chat.early.clear();
}

function settle(id) {
  const index = chat.outbox.findIndex((entry) => entry.id === id);
  if (index >= 0) {
    chat.outbox[index].element.remove();
    chat.outbox.splice(index, 1);
  }
}

async function send(text) {
  const entry = { id: crypto.randomUUID(), text, element: renderMessage({ id: "", user: chat.user, text }, true) };
  chat.outbox.push(entry);
  appendToList(entry.element);
  if (connection.state === signalR.HubConnectionState.Connected && chat.joined) await deliver(entry);
}

async function deliver(entry) {
  try {
    accept(await connection.invoke("Send", chat.room, entry.text, entry.id));
    settle(entry.id);
  } catch (error) {
    const message = String(error?.message ?? error);
    if (!message.includes(HUB_ERROR)) return; // the connection dropped: resent after the reconnect
    chat.outbox.splice(chat.outbox.indexOf(entry), 1);
    const failure = document.createElement("div");
    failure.className = "failure";
    failure.textContent = message.slice(message.indexOf(HUB_ERROR) + HUB_ERROR.length);
    entry.element.append(failure);
  }
}

async function flushOutbox() {
  for (const entry of [...chat.outbox]) await deliver(entry);
}

async function loadOlder() {
  const first = $("messages").querySelector(".message[data-seq]:not([data-seq=''])");
  const before = first ? Number(first.dataset.seq) : chat.lastSeq + 1;
  const older = await connection.invoke("History", chat.room, before, 50);
  const list = $("messages");
  const height = list.scrollHeight;
  list.prepend(...older.map((message) => renderMessage(message)));
  list.scrollTop += list.scrollHeight - height;
  $("older").hidden = !older.length || older[0].seq <= 1;
}

$("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("sign-in-error").textContent = "";
  chat.user = $("user").value.trim();
  chat.room = $("room").value.trim();
  try {
    await connect();
  } catch (error) {
    const message = String(error?.message ?? error);
    $("sign-in-error").textContent = message.includes(HUB_ERROR)
      ? message.slice(message.indexOf(HUB_ERROR) + HUB_ERROR.length)
      : "Could not reach the chat service. Is it running?";
    return;
  }
  localStorage.setItem("orleanschat.user", chat.user);
  localStorage.setItem("orleanschat.room", chat.room);
  $("sign-in").hidden = true;
  $("chat").hidden = false;
  $("room-title").textContent = `# ${chat.room}`;
  $("text").focus();
});

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("text").value;
  if (!text.trim()) return;
  $("text").value = "";
  send(text);
});

$("text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});

$("older").addEventListener("click", () => loadOlder());

$("leave").addEventListener("click", async () => {
  await connection.invoke("Leave", chat.room).catch(() => {});
  location.reload();
});

$("user").value = localStorage.getItem("orleanschat.user") ?? "";
$("room").value = localStorage.getItem("orleanschat.room") ?? "lobby";
