// Where the tool is connected, fitted into what is left of the header line. The end of it names the
// database (`…/prod`) or the directory of an embedded one: that part is what tells two targets
// apart, so the middle is cut (host, port, path), never the end.

/** `target` in at most `width` characters, the middle replaced by "…", the last path part kept whole. */
export function fitTarget(target: string, width: number): string {
  if (target.length <= width) return target;
  const query = target.indexOf('?');
  const bare = query >= 0 ? target.slice(0, query) : target;
  const tail = bare.slice(bare.lastIndexOf('/') >= 0 ? bare.lastIndexOf('/') : 0);
  // The database name always shows, even when nothing else fits.
  // A head of a few characters says nothing ("p…/prod"): then the name alone.
  if (width - tail.length - 1 < 8) return `…${tail}`;
  const head = bare.slice(0, Math.max(0, width - tail.length - 1));
  return `${head}…${tail}`;
}
