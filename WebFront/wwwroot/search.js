// Searching the room on screen, and reading a found message among its neighbours. Results and context show
// over the conversation, which goes on underneath: live messages keep arriving in the room's own timeline,
// in seq order, and closing the search (closeSearch) uncovers it again. Each room keeps its own search.
import { messagesAround, searchMessages } from "./chat.js";
import { button, el, setAvatar } from "./dom.js";
import { BUSY, refusal } from "./protocol.js";
import { stamp, Timeline } from "./timeline.js";

/** Hits per Search call; a full page means there may be more. */
const SEARCH_PAGE = 20;
/** Messages shown on each side of a hit opened in context. */
const CONTEXT_REACH = 10;
/** A word as the archive's 'simple' search configuration splits text into words (whole words, any case). */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

const $ = (id) => document.getElementById(id);
const form = $("search");
const input = $("search-query");
const view = $("search-view");
const status = $("search-status");
const hitList = $("search-hits");
const more = $("search-more");
const context = $("search-context");
const searches = new WeakMap(); // room -> its open search
let shownRoom = null;

/** Shows the search of the room that came on screen, or none when it has none open. */
export function searchShown(room) {
  shownRoom = room;
  input.value = searches.get(room)?.query ?? "";
  input.placeholder = `Search #${room.name}`;
  render();
}

/** Closes the search of the room on screen, if one is open; returns whether one was. */
export function closeSearch() {
  if (!shownRoom || !searches.has(shownRoom)) return false;
  const focusWasInside = view.contains(document.activeElement);
  searches.delete(shownRoom);
  input.value = "";
  render();
  if (focusWasInside) input.focus();
  return true;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = input.value.trim();
  if (!query) {
    closeSearch();
    return;
  }
  const search = { room: shownRoom, query, words: wordsOf(query), hits: [], more: false, loading: false, problem: null, retry: null, context: null };
  searches.set(shownRoom, search);
  loadHits(search);
});

more.addEventListener("click", () => { loadHits(searches.get(shownRoom)); });

$("search-retry").addEventListener("click", () => { searches.get(shownRoom)?.retry?.(); });

$("search-results").addEventListener("click", () => {
  const search = searches.get(shownRoom);
  const seq = search.context.hit.seq;
  search.context = null;
  search.problem = null;
  render();
  hitList.querySelector(`[data-seq="${seq}"]`)?.focus();
});

/** Loads the next page of hits: the newest ones at first, then those older than the last one shown. */
async function loadHits(search) {
  if (search.loading) return;
  const beforeSeq = search.hits.length ? search.hits.at(-1).seq : null;
  const firstNew = search.hits.length;
  search.loading = true;
  search.problem = null;
  render();
  try {
    const page = await searchMessages(search.room, search.query, beforeSeq, SEARCH_PAGE);
    search.hits.push(...page);
    search.more = page.length === SEARCH_PAGE;
  } catch (error) {
    search.problem = problemOf(error);
    search.retry = () => loadHits(search);
  } finally {
    search.loading = false;
  }
  if (!isShown(search)) return;
  render();
  if (firstNew > 0) hitList.children[firstNew]?.querySelector("button").focus();
}

/** Shows `hit` with the messages just before and after it, as the conversation had them. */
async function openContext(search, hit) {
  const opened = { hit, messages: null };
  search.context = opened;
  search.problem = null;
  render();
  try {
    opened.messages = await messagesAround(search.room, hit.seq, CONTEXT_REACH);
  } catch (error) {
    if (search.context !== opened) return;
    search.problem = problemOf(error);
    search.retry = () => openContext(search, hit);
  }
  if (!isShown(search) || search.context !== opened) return;
  render();
  const found = context.querySelector(".found");
  found?.focus({ preventScroll: true });
  found?.scrollIntoView({ block: "center" });
}

function isShown(search) {
  return shownRoom === search.room && searches.get(search.room) === search;
}

/** What to tell the user about a failed call, and whether trying again may help. */
function problemOf(error) {
  const reason = refusal(error);
  if (reason === null) return { text: "Could not reach the chat service; try again.", canRetry: true };
  if (reason.startsWith(BUSY)) return { text: "The message archive is busy; try again in a moment.", canRetry: true };
  // The server's own words: "search: needs the message archive, …", "query: must be 1 to 200 characters".
  return { text: reason, canRetry: false };
}

function render() {
  const search = shownRoom && searches.get(shownRoom);
  view.hidden = !search;
  $("conversation").dataset.search = search ? "open" : "closed";
  if (!search) return;
  const opened = search.context;
  status.textContent = describe(search);
  status.classList.toggle("problem", !!search.problem);
  $("search-retry").hidden = !search.problem?.canRetry;
  $("search-results").hidden = !opened;
  hitList.hidden = !!opened;
  hitList.replaceChildren(...search.hits.map((hit) => hitItem(search, hit)));
  more.hidden = !!opened || !search.more || !!search.problem;
  more.disabled = search.loading;
  more.textContent = search.loading ? "Loading more results…" : "More results";
  context.hidden = !opened?.messages;
  context.replaceChildren(...(opened?.messages ? [contextList(search, opened)] : []));
}

function describe(search) {
  if (search.problem) return search.problem.text;
  if (search.context) return search.context.messages ? "The found message and the conversation around it" : "Loading the conversation around it…";
  if (search.loading && !search.hits.length) return "Searching…";
  if (!search.hits.length) return `No messages in #${search.room.name} match “${search.query}”.`;
  const count = search.more ? `${search.hits.length}+ messages match` : search.hits.length === 1 ? "1 message matches" : `${search.hits.length} messages match`;
  return `${count} “${search.query}”, newest first`;
}

function hitItem(search, hit) {
  const open = button("hit", null, () => { openContext(search, hit); });
  open.dataset.seq = hit.seq;
  const meta = el("span", "hit-meta");
  const avatar = el("span", "avatar");
  avatar.setAttribute("aria-hidden", "true");
  setAvatar(avatar, hit.user);
  meta.append(avatar, el("span", "user", hit.user), stamp(hit.sentAt));
  const text = el("span", "hit-text");
  text.append(...markedWords(hit.text, search.words));
  open.append(meta, text);
  const item = el("li");
  item.append(open);
  return item;
}

/** The messages around a hit, drawn as the conversation draws them, the hit marked as the one found. */
function contextList(search, { hit, messages }) {
  const timeline = new Timeline();
  timeline.ownUser = search.room.user;
  for (const message of messages) timeline.append(message);
  const list = timeline.list;
  list.removeAttribute("role");
  list.setAttribute("aria-label", "Messages around the one found");
  const found = list.querySelector(`:scope > [data-seq="${hit.seq}"]`);
  if (found) {
    found.classList.add("found");
    found.setAttribute("aria-current", "true");
    found.tabIndex = -1;
    const text = found.querySelector(".text");
    text.replaceChildren(...markedWords(hit.text, search.words));
  }
  return list;
}

/** The words a hit is found by, lowercase: those of the query, "phrases" included, not -excluded ones nor "or". */
function wordsOf(query) {
  const words = new Set();
  for (const [, excluded, phrase, word] of query.matchAll(/(-?)(?:"([^"]*)"?|(\S+))/g)) {
    if (excluded) continue;
    for (const found of (phrase ?? word).toLowerCase().match(WORD) ?? []) {
      if (phrase !== undefined || found !== "or") words.add(found);
    }
  }
  return words;
}

/** `text` as strings and <mark> elements around each of `words`, for Element.append (never parsed as HTML). */
function markedWords(text, words) {
  const parts = [];
  let from = 0;
  for (const match of text.matchAll(WORD)) {
    if (!words.has(match[0].toLowerCase())) continue;
    parts.push(text.slice(from, match.index), el("mark", "", match[0]));
    from = match.index + match[0].length;
  }
  parts.push(text.slice(from));
  return parts;
}
