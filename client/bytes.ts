/**
 * The composer's live byte count (client/composer.ts), apart from the DOM so that a test can hold
 * it to the server's count (tests/text/pins.test.ts): the browser bundle takes nothing from the
 * server, so the server's reading of pins as written (server/text/pins.ts writtenText) is
 * repeated here.
 */

// A pin (`-{原文}-`, `-{zh-hans:芯片;zh-tw:晶片}-`) or an escaped `\-{`.
const PIN = /\\-\{|-\{([^\n]*?)\}-/g;
const PIN_CODES = 'zh-hans|zh-hant|zh-tw|zh-hk';
const PIN_FIRST = new RegExp(`^\\s*(?:${PIN_CODES})\\s*:([^]*?)(?:;(?=\\s*(?:${PIN_CODES})\\s*:)|;?\\s*$)`);

/** The source as readers read it as written: each pin its first alternative, `\-{` a plain `-{`. */
export function writtenText(source: string): string {
  if (!source.includes('-{')) return source;
  return source.replace(PIN, (_token: string, content: string | undefined) => {
    if (content === undefined) return '-{';
    // Group 1 is there whenever the pattern matches.
    return PIN_FIRST.exec(content)?.[1]?.trim() ?? content;
  });
}

/**
 * The bytes "(N bytes)" will say for a body: its UTF-8 bytes once line breaks are \n and characters
 * composed (NFC), 0 for only white space (server/text/formats.ts normalizeSource, text/bytes.ts),
 * with each pin counted as what readers read as written (server/text/pins.ts writtenText).
 */
export function bytesOf(text: string): number {
  const source = text.replace(/\r\n?/g, '\n').normalize('NFC');
  return source.trim() ? new TextEncoder().encode(writtenText(source)).length : 0;
}
