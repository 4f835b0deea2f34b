// Quoting for the places a snippet is pasted into: POSIX shells and YAML. Keys are validated
// (id characters and base64 only), but the quoting is correct for any string so a future format
// change cannot turn a snippet into a command.

/** POSIX shell single quotes: nothing inside is expanded; a quote is closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** YAML single-quoted scalar: nothing is special except the quote itself, written twice. */
export function yamlQuote(value: string): string {
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    // Single-quoted YAML cannot carry control characters; a double-quoted JSON string is valid YAML.
    return JSON.stringify(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

const DOTENV_SAFE = /^[A-Za-z0-9._\-:+/=•]*$/;

/**
 * dotenv values stay unquoted because `docker run --env-file` does not strip quotes: a quoted
 * key would reach the application with the quotes in it. Anything else is refused.
 */
export function dotenvValue(value: string): string {
  if (!DOTENV_SAFE.test(value)) {
    throw new Error('value contains characters that cannot be written unquoted to an env file');
  }
  return value;
}
