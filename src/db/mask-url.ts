// A database URL's password must never be shown; this is the only place that formats a URL for display.

export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    // Not a URL (a libpq keyword string, say): mask anything that looks like password=...
    return url.replace(/(password\s*=\s*)(\S+)/gi, '$1****').replace(/(:\/\/[^:/@\s]*:)[^@\s]*@/, '$1****@');
  }
}
