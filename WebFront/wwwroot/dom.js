// The page builds its markup with these helpers only: whatever a user wrote is set as text, never parsed as HTML.

/**
 * A new element with a class and, if given, its text. Text gets its own direction (dir="auto"), which also
 * isolates it: a name or message holding a right-to-left override cannot reverse what is around it.
 */
export function el(tag, className = "", text = null) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== null) {
    element.textContent = text;
    element.dir = "auto";
  }
  return element;
}

/** A user's name inside running text, isolated from it (<bdi>). */
export function nameOf(user) {
  return el("bdi", "name", user);
}

/** A plain button: type="button", so it never submits the form it sits in. */
export function button(className, text, onClick) {
  const element = el("button", className, text);
  element.type = "button";
  element.addEventListener("click", onClick);
  return element;
}

/** The first letter of a name (a whole emoji or accented letter, not half of one), for its avatar. */
export function initialOf(name) {
  return ([...name.trim()][0] ?? "?").toUpperCase();
}

/** A stable hue per name, so a person's avatar keeps its colour on every screen. */
export function hueOf(name) {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)) % 360;
  return hash;
}

/** Marks an element as the avatar of a name; the stylesheet draws the initial on the hue (see .avatar). */
export function setAvatar(element, name) {
  element.dataset.initial = initialOf(name);
  element.style.setProperty("--hue", String(hueOf(name)));
}
