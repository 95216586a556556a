// Who is typing, in words.

/** How often the page tells a room that its user is typing, at most. */
export const TYPING_NOTICE_EVERY_MS = 3000;

/** How long "… is typing" stays after that person's last notice. */
export const TYPING_SHOWN_MS = 4000;

/** "Ana is typing…", "Ana and Ben are typing…", "Ana, Ben and Cleo are typing…", "Ana, Ben and 2 others are typing…". */
export function describeTypers(users) {
  switch (users.length) {
    case 0: return "";
    case 1: return `${users[0]} is typing…`;
    case 2: return `${users[0]} and ${users[1]} are typing…`;
    case 3: return `${users[0]}, ${users[1]} and ${users[2]} are typing…`;
    default: return `${users[0]}, ${users[1]} and ${users.length - 2} others are typing…`;
  }
}
