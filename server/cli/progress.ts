/**
 * A progress bar for long CLI jobs: redrawn in place on a terminal (`[#####-----]  50%  500/1000
 * posts`), and on anything else (a log, a pipe) written as whole lines, one per tenth of the way
 * so a million posts do not make a million lines.
 */
export function progressBar(
  what: string,
  out: { write(text: string): unknown; isTTY?: boolean } = process.stdout,
): (done: number, total: number) => void {
  const width = 30;
  let lastTenth = -1;
  return (done, total) => {
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(share * width);
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${done}/${total} ${what}`;
    if (out.isTTY) {
      out.write(`\r${line}${done >= total ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    out.write(`${line}\n`);
  };
}
