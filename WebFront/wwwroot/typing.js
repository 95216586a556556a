// Who is typing, in words.

/** How often the page tells a room that its user is typing, at most. */
export const TYPING_NOTICE_EVERY_MS = 3000;

/** How long "… is typing" stays after that person's last notice. */
export const TYPING_SHOWN_MS = 4000;

/**
 * "Ana is typing…", "Ana and Ben are typing…", "Ana, Ben and Cleo are typing…", "Ana, Ben and 2 others are
 * typing…", as parts: each name through `name` (the page isolates names), the words as strings.
 */
export function describeTypers(users, name = (user) => user) {
  const [a, b, c] = users.map(name);
  switch (users.length) {
    case 0: return [];
    case 1: return [a, " is typing…"];
    case 2: return [a, " and ", b, " are typing…"];
    case 3: return [a, ", ", b, " and ", c, " are typing…"];
    default: return [a, ", ", b, ` and ${users.length - 2} others are typing…`];
  }
}
