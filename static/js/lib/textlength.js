// The length rule the server applies (detection/validation.py text_length): Unicode code
// points, after CRLF / CR line breaks become LF. The counter, the paste warning and the
// cut all use it, so what the counter accepts the server accepts.
export function normaliseBreaks(text) {
  return String(text ?? "").replace(/\r\n?/g, "\n");
}

export function countChars(text) {
  let n = 0;
  // for…of walks code points (a surrogate pair is one character, as in Python).
  for (const _ of normaliseBreaks(text)) n += 1; // eslint-disable-line no-unused-vars
  return n;
}

/** The first `limit` characters by the same rule. */
export function cutToChars(text, limit) {
  const out = [];
  for (const ch of normaliseBreaks(text)) {
    if (out.length >= limit) break;
    out.push(ch);
  }
  return out.join("");
}
