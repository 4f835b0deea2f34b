// A database connection string's password must never be shown. This is the only place that turns a
// connection string, or text that may quote one, into something fit to print. Passwords hide in:
// the URL's userinfo (postgres://app:SECRET@host), its query (?password=SECRET, ?sslpassword=SECRET:
// any parameter whose name contains "password", in any case), and libpq keyword/value strings
// (host=db password=SECRET, password='a b\' c'). A value that is none of these (a bare password
// pasted into DATABASE_URL, say) is never echoed: only its length is said.

export const MASK = '****';
const PASSWORD_NAME = /password/i;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** `a=1&password=x`: every parameter whose (decoded) name contains "password" gets its value masked; the rest is left as written. */
function maskQuery(query: string): string {
  return query
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      return eq >= 0 && PASSWORD_NAME.test(decoded(name)) ? `${name}=${MASK}` : part;
    })
    .join('&');
}

/**
 * `postgres://app:12?ss@host`: a password holding an unencoded `/`, `?` or `#` ends the authority
 * early, so the URL parses with the rest of the password in its path or query. Such a URL is not shown.
 */
function passwordSpillsOut(text: string): boolean {
  const rest = text.replace(SCHEME, '');
  const end = rest.search(/[/?#]/);
  if (end < 0) return false;
  const authority = rest.slice(0, end);
  const after = rest.slice(end);
  const at = after.indexOf('@');
  return !authority.includes('@') && authority.includes(':') && at >= 0 && !after.slice(0, at).includes('=');
}

/** A `scheme://` URL that parses, password masked; undefined for anything else. */
function maskUrl(text: string): string | undefined {
  if (!SCHEME.test(text) || passwordSpillsOut(text)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return undefined;
  }
  if (parsed.password) parsed.password = MASK;
  const search = parsed.search.length > 1 ? `?${maskQuery(parsed.search.slice(1))}` : parsed.search;
  const hash = parsed.hash.length > 1 ? `#${maskQuery(parsed.hash.slice(1))}` : parsed.hash;
  parsed.search = '';
  parsed.hash = '';
  return `${parsed.toString()}${search}${hash}`;
}

// libpq keyword/value: `keyword = value`, values unquoted (backslash escapes) or single-quoted (\' and \\).
const KEYWORD_VALUE = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*('(?:[^'\\]|\\.)*'|(?:[^\s'\\]|\\.)+)/y;

interface KeywordValue {
  keyword: string;
  raw: string;
}

function parseKeywordValues(text: string): KeywordValue[] | undefined {
  const out: KeywordValue[] = [];
  KEYWORD_VALUE.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    KEYWORD_VALUE.lastIndex = at;
    const m = KEYWORD_VALUE.exec(text);
    if (!m) return undefined;
    out.push({ keyword: m[1]!, raw: m[2]! });
    at = KEYWORD_VALUE.lastIndex;
  }
  return out.length > 0 ? out : undefined;
}

function unquote(raw: string): string {
  const inner = raw.startsWith("'") ? raw.slice(1, -1) : raw;
  return inner.replace(/\\(.)/g, '$1');
}

function describeUnshown(text: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  return scheme
    ? `${scheme[1]}://… (${text.length} characters that do not parse as a URL; not shown)`
    : `${text.length} characters that are not a URL (not shown)`;
}

/**
 * A connection string as it may be shown: a URL with its password masked, a libpq keyword/value
 * string with its password masked, or for anything else only what it is and how long.
 */
export function maskDatabaseUrl(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return 'an empty value';
  const url = maskUrl(trimmed);
  if (url !== undefined) return url;
  const pairs = parseKeywordValues(trimmed);
  if (pairs) return pairs.map((p) => `${p.keyword}=${PASSWORD_NAME.test(p.keyword) ? MASK : p.raw}`).join(' ');
  return describeUnshown(trimmed);
}

/** The passwords a connection string holds (decoded), so that text quoting them can be cleaned. */
export function passwordsOf(text: string): string[] {
  const trimmed = text.trim();
  const out: string[] = [];
  if (SCHEME.test(trimmed)) {
    try {
      const parsed = new URL(trimmed);
      if (parsed.password) out.push(decoded(parsed.password), parsed.password);
      for (const [name, value] of parsed.searchParams) if (PASSWORD_NAME.test(name) && value) out.push(value);
    } catch {
      // A URL that does not parse is never shown (maskDatabaseUrl), so there is nothing to find.
    }
  } else {
    for (const p of parseKeywordValues(trimmed) ?? [])
      if (PASSWORD_NAME.test(p.keyword)) out.push(unquote(p.raw), p.raw);
  }
  return [...new Set(out.filter((p) => p !== '' && p !== MASK))];
}

// In free text (an error message, a line of a child's output): URLs, and `...password...=value`
// settings (libpq's, a query string's, PGPASSWORD=...), quoted or not.
const URL_IN_TEXT = /\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s'"<>]+/g;
const BROKEN_USERINFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^\s]*@/;
const PASSWORD_SETTING = /(\b[A-Za-z0-9_-]*password[A-Za-z0-9_-]*\s*=\s*)('(?:[^'\\]|\\.)*'?|(?:[^\s'&\\]|\\.)+)/gi;

/**
 * Free text with every password it quotes masked: URLs (userinfo and password parameters), and
 * `password=...` settings. With `connectionString`, any literal occurrence of its passwords too
 * (a driver message may quote one where no pattern would find it).
 */
export function maskPasswordsInText(text: string, connectionString?: string): string {
  let out = text;
  if (connectionString !== undefined) {
    // Longest first, so a password that contains another is masked whole; very short ones would mask ordinary words.
    for (const secret of passwordsOf(connectionString).sort((a, b) => b.length - a.length)) {
      if (secret.length >= 3) out = out.split(secret).join(MASK);
    }
  }
  out = out.replace(URL_IN_TEXT, (match) => {
    // `...: reason`, `(url)`, `url.`: the punctuation after a URL in a sentence is not part of it.
    const url = match.replace(/[.,:;)\]]+$/, '');
    return (maskUrl(url) ?? url.replace(BROKEN_USERINFO, `$1${MASK}@`)) + match.slice(url.length);
  });
  return out.replace(PASSWORD_SETTING, (whole: string, name: string, value: string) =>
    value.startsWith(MASK) ? whole : `${name}${MASK}`,
  );
}
