// A connection string's password never reaches output, in whatever form it was written: URL
// userinfo, password query parameters, libpq keyword/value strings, a value that is not a URL at
// all; and text that quotes one (a driver message, a child's output line) is cleaned the same way.
import { describe, expect, it } from 'vitest';
import { prepareDatabaseUrl } from '../../src/db/open-database.js';
import { maskDatabaseUrl, maskPasswordsInText } from '../../src/db/mask-url.js';
import { scrubSecrets } from '../../src/engine/external/scrub.js';
import { UserError } from '../../src/errors.js';

const SECRET = 'Hunter2xyz';

describe('maskDatabaseUrl', () => {
  it('masks the password of a URL (userinfo and every password parameter) and of a libpq keyword/value string', () => {
    for (const [url, shown] of [
      [`postgres://app:${SECRET}@db:5432/app?sslmode=require`, 'postgres://app:****@db:5432/app?sslmode=require'],
      [
        `postgres://127.0.0.1:5499/db?user=app&password=${SECRET}`,
        'postgres://127.0.0.1:5499/db?user=app&password=****',
      ],
      [
        `postgresql://db/app?sslpassword=${SECRET}&sslmode=verify-full`,
        'postgresql://db/app?sslpassword=****&sslmode=verify-full',
      ],
      [
        `postgres://db/app?PassWord=${SECRET}&x_password_y=${SECRET}2`,
        'postgres://db/app?PassWord=****&x_password_y=****',
      ],
      [`postgres://db/app?pass%77ord=${SECRET}`, 'postgres://db/app?pass%77ord=****'],
      [`host=db password=${SECRET} dbname=app`, 'host=db password=**** dbname=app'],
      [`host=db password='${SECRET} with spaces' user=app`, 'host=db password=**** user=app'],
      [`host = db  password = 'it\\'s ${SECRET}'`, 'host=db password=****'],
      [`host=db sslpassword=${SECRET}`, 'host=db sslpassword=****'],
    ]) {
      expect(maskDatabaseUrl(url!), url).toBe(shown);
    }
  });

  it.each([
    [SECRET, `${SECRET.length} characters that are not a URL (not shown)`],
    [`http:${SECRET}`, `${SECRET.length + 5} characters that are not a URL (not shown)`],
    [`${SECRET}:5432`, `${SECRET.length + 5} characters that are not a URL (not shown)`],
    [`host=db password='${SECRET}`, `${SECRET.length + 18} characters that are not a URL (not shown)`],
    // A password with an unencoded delimiter: the URL breaks, or parses with the password spilled into its path or query.
    [
      `postgres://app:pa#${SECRET}@db/app`,
      `postgres://… (${SECRET.length + 25} characters that do not parse as a URL; not shown)`,
    ],
    [
      `postgres://app:12?${SECRET}@db/app`,
      `postgres://… (${SECRET.length + 25} characters that do not parse as a URL; not shown)`,
    ],
  ])('a value that is not a URL is not echoed: %s', (value, shown) => {
    expect(maskDatabaseUrl(value)).toBe(shown);
  });
});

describe('prepareDatabaseUrl', () => {
  it.each([SECRET, `host=db password=${SECRET}`, `${SECRET}:x`, `postgres://app:p#${SECRET}@h/app`])(
    'refuses %s without quoting the password',
    (url) => {
      let error: unknown;
      try {
        prepareDatabaseUrl(url);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toMatch(/^DATABASE_URL is not a valid postgres:\/\/ URL: /);
      expect(`${(error as UserError).message} ${(error as UserError).hint}`).not.toContain(SECRET);
    },
  );

  it('labels a URL with its password parameters masked', () => {
    expect(prepareDatabaseUrl(`postgres://db/app?user=app&password=${SECRET}&sslpassword=${SECRET}`).label).toBe(
      'postgres://db/app?user=app&password=****&sslpassword=****',
    );
  });
});

describe('text that quotes a connection string', () => {
  it('masks URLs and password settings, quoted or not, and keeps the sentence around them', () => {
    expect(maskPasswordsInText(`cannot connect to postgres://app:${SECRET}@db/app?password=${SECRET}: refused`)).toBe(
      'cannot connect to postgres://app:****@db/app?password=****: refused',
    );
    expect(maskPasswordsInText(`conninfo "host=db password='${SECRET} b' user=x"`)).toBe(
      `conninfo "host=db password=**** user=x"`,
    );
    expect(maskPasswordsInText(`PGPASSWORD=${SECRET} psql`)).toBe('PGPASSWORD=**** psql');
  });

  it('masks the known passwords of a connection string wherever a driver message quotes them', () => {
    expect(maskPasswordsInText(`authentication failed: "${SECRET}"`, `postgres://app:${SECRET}@db/app`)).toBe(
      'authentication failed: "****"',
    );
    expect(maskPasswordsInText(`bad ${SECRET}`, `host=db password='${SECRET}'`)).toBe('bad ****');
  });

  it("the external tool's output lines go through the same masking", () => {
    const line = scrubSecrets(
      `connecting with password='${SECRET} two words' to postgres://db/app?sslpassword=${SECRET}`,
    );
    expect(line).not.toContain(SECRET);
    expect(line).not.toContain('two words');
  });
});
