// The keys kek-rotate itself holds during a production runbook session. Read from the environment,
// ./.env or --env-file (plus --keys-file) at preflight, and read again after each deploy the
// operator confirms, so the tool uses the keys the application was given. Keys generated in this
// session stay in memory: an operator who manages the tool's keys elsewhere need not paste them back.
import { loadEnvironment, type LoadEnvironmentOptions } from '../config/env-file.js';
import { keyRingFromEnv, makeKeyRing, PRIMARY_VAR, type KeyRing } from '../crypto/key-ring.js';
import type { Kek } from '../crypto/key.js';
import { UserError } from '../errors.js';
import type { DeployRequest, KeyConfigIds } from '../machine/contract.js';
import { configIdsOf, sameConfiguredKeys } from './key-ring-views.js';

export type EnvironmentSource = LoadEnvironmentOptions;

function sameIds(a: KeyConfigIds, b: KeyConfigIds): boolean {
  return a.primaryKeyId === b.primaryKeyId && (a.previousKeyId ?? undefined) === (b.previousKeyId ?? undefined);
}

export class ProductionKeys {
  /** What the environment held at the last preflight: the operator's starting point. */
  #baseline: KeyRing | undefined;
  #active: KeyRing | undefined;
  /** Keys generated (or handed over by the machine) in this session, by id. */
  readonly #held = new Map<string, Kek>();
  /** A rotation's new key loaded from a file while the environment still holds only the old one. */
  #adopted: { key: Kek; over: string } | undefined;

  constructor(
    private readonly source: EnvironmentSource,
    private readonly keysFile?: string | undefined,
  ) {}

  /** The environment's ring, read now. Throws UserError naming the variable or file that is wrong. */
  readEnvironment(): KeyRing {
    return keyRingFromEnv({ env: loadEnvironment(this.source).env, keysFile: this.keysFile });
  }

  /** Preflight: the environment becomes the starting point and the ring in use. */
  load(): KeyRing {
    const env = this.readEnvironment();
    this.#baseline = env;
    // A key loaded for the rotation under way stays in use while the environment is as it was.
    const adopted = this.#adopted;
    this.#active =
      adopted && env.previous === undefined && env.primary.id === adopted.over
        ? makeKeyRing(adopted.key, env.primary, env.archived)
        : env;
    return this.#active;
  }

  /**
   * The rotation's new key, loaded from a file: primary from now on, with the environment's primary
   * (the old key) as previous, as the application is configured mid-rotation.
   */
  adopt(key: Kek): KeyRing {
    const env = this.#baseline ?? this.readEnvironment();
    this.hold(key);
    const ring = makeKeyRing(
      key,
      env.primary,
      env.archived.filter((k) => k.id !== key.id),
    );
    this.#adopted = { key, over: env.primary.id };
    this.#active = ring;
    return ring;
  }

  /** The ring every run and check uses now. */
  active(): KeyRing {
    if (!this.#active) throw new Error('keys used before preflight loaded them');
    return this.#active;
  }

  hold(key: Kek): void {
    const known = this.#held.get(key.id);
    if (known && !known.bytes.equals(key.bytes)) throw new Error(`two different keys held under ${key.id}`);
    this.#held.set(key.id, key);
  }

  /** A key generated (or handed over) in this session. */
  held(id: string): Kek | undefined {
    return this.#held.get(id);
  }

  /**
   * After the operator confirmed a deploy: the configuration the tool now uses. The environment
   * wins when it was changed; when it is exactly as at preflight, the requested keys are taken
   * from memory if the tool holds them all. Otherwise the environment's ids are returned and the
   * machine reports the mismatch (with the hint to update the tool's environment).
   */
  afterDeploy(request: DeployRequest): KeyConfigIds {
    for (const key of request.keys) this.hold(key.reveal());
    const env = this.readEnvironment();
    if (sameIds(configIdsOf(env), request.config)) {
      this.assertSameMaterial(env);
      this.#active = env;
      return configIdsOf(env);
    }
    if (this.#baseline && sameConfiguredKeys(env, this.#baseline)) {
      const fromMemory = this.ringFromMemory(request.config);
      if (fromMemory) {
        this.#active = fromMemory;
        return request.config;
      }
    }
    this.#active = env;
    return configIdsOf(env);
  }

  private find(id: string): Kek | undefined {
    return this.#held.get(id) ?? this.#active?.get(id) ?? this.#baseline?.get(id);
  }

  private ringFromMemory(config: KeyConfigIds): KeyRing | undefined {
    const primary = this.find(config.primaryKeyId);
    const previous = config.previousKeyId === undefined ? undefined : this.find(config.previousKeyId);
    if (!primary || (config.previousKeyId !== undefined && !previous)) return undefined;
    const used = new Set([primary.id, previous?.id]);
    const archived = (this.#baseline?.archived ?? []).filter((k) => !used.has(k.id));
    return makeKeyRing(primary, previous, archived);
  }

  /** A key id the tool generated must carry the same material in the environment: two keys under one id make rows unreadable. */
  private assertSameMaterial(env: KeyRing): void {
    for (const key of [env.primary, env.previous]) {
      const held = key && this.#held.get(key.id);
      if (key && held && !held.bytes.equals(key.bytes)) {
        throw new UserError(
          `the key configured as ${key.id} (${key === env.primary ? PRIMARY_VAR : 'SECRETS_ENCRYPTION_KEY_PREVIOUS'}) is not the ${key.id} generated in this session`,
          'Copy the new key exactly as shown (or from its key file) into the secrets manager and the environment, then retry: two different keys under one id make rows unreadable.',
        );
      }
    }
  }
}
