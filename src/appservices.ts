// Declarative appservice registrations: their props, the tuwunel.toml tables and the token environment overrides.
import { k8s } from 'cdk8s-plus-28';
import { rustRegexProblem } from './rust-regex';
import { Problems, checkSecretReference, parseUrl, show } from './validation';

/** One namespace (users, aliases or rooms) an appservice claims. */
export interface AppserviceNamespace {
  /** Regular expression of the IDs claimed, e.g. `@telegram_.*:matrix\.example\.org`. */
  readonly regex: string;

  /**
   * Only the appservice may create IDs matching the regex.
   * @default false
   */
  readonly exclusive?: boolean;
}

/** The Secret holding an appservice's tokens. */
export interface AppserviceTokensSecret {
  /** Name of the Secret in the chart's namespace. */
  readonly name: string;

  /**
   * Key holding the token the appservice uses to call the homeserver.
   * @default 'as_token'
   */
  readonly asTokenKey?: string;

  /**
   * Key holding the token the homeserver uses to call the appservice.
   * @default 'hs_token'
   */
  readonly hsTokenKey?: string;
}

/** A declarative appservice (bridge, bot) registration, read by Tuwunel from its config at start. */
export interface AppserviceRegistration {
  /** Registration ID: lowercase letters, digits, "-" and "_" (Tuwunel lowercases environment keys). */
  readonly id: string;

  /**
   * URL the homeserver pushes events to.
   * @default none: the appservice receives no pushes
   */
  readonly url?: string;

  /** Localpart of the appservice's sender user, e.g. `telegrambot`. */
  readonly senderLocalpart: string;

  /**
   * User IDs the appservice claims.
   * @default none
   */
  readonly users?: AppserviceNamespace[];

  /**
   * Room aliases the appservice claims.
   * @default none
   */
  readonly aliases?: AppserviceNamespace[];

  /**
   * Room IDs the appservice claims.
   * @default none
   */
  readonly rooms?: AppserviceNamespace[];

  /**
   * Rate-limit the appservice's users.
   * @default false
   */
  readonly rateLimited?: boolean;

  /**
   * Push ephemeral events (typing, receipts, presence) to the appservice.
   * @default false
   */
  readonly receiveEphemeral?: boolean;

  /**
   * Third-party protocols the appservice bridges.
   * @default none
   */
  readonly protocols?: string[];

  /** Where `as_token` and `hs_token` come from: never written to the ConfigMap. */
  readonly tokensSecret: AppserviceTokensSecret;
}

// A `_` must be followed by a letter, digit or `-`: `__` (or a trailing `_` before the `__AS_TOKEN`
// suffix) would split the environment key in the wrong place.
const ID = /^[a-z0-9](?:[a-z0-9-]|_(?=[a-z0-9-]))*$/;
const LOCALPART = /^[a-z0-9._=\-/]+$/;
const DEFAULT_TOKEN_KEYS = { asTokenKey: 'as_token', hsTokenKey: 'hs_token' } as const;

/** The registrations with the default token keys filled in (a missing `tokensSecret` stays for validation to report). */
export function resolveAppservices(appservices: AppserviceRegistration[]): AppserviceRegistration[] {
  return appservices.map((as) => ({
    ...as,
    tokensSecret: {
      ...as.tokensSecret,
      asTokenKey: as.tokensSecret?.asTokenKey ?? DEFAULT_TOKEN_KEYS.asTokenKey,
      hsTokenKey: as.tokensSecret?.hsTokenKey ?? DEFAULT_TOKEN_KEYS.hsTokenKey,
    },
  }));
}

/** The `[global.appservice.<id>]` tables, without tokens. */
export function appserviceConfig(appservices: AppserviceRegistration[]): Record<string, unknown> {
  const tables: Record<string, unknown> = {};
  for (const as of appservices) {
    const namespaces = (list: AppserviceNamespace[] | undefined) => (list ?? []).map((n) => ({ exclusive: n.exclusive ?? false, regex: n.regex }));
    tables[as.id] = {
      ...(as.url !== undefined ? { url: as.url } : {}),
      sender_localpart: as.senderLocalpart,
      rate_limited: as.rateLimited ?? false,
      receive_ephemeral: as.receiveEphemeral ?? false,
      ...(as.protocols && as.protocols.length > 0 ? { protocols: [...as.protocols] } : {}),
      users: namespaces(as.users),
      aliases: namespaces(as.aliases),
      rooms: namespaces(as.rooms),
    };
  }
  return tables;
}

/**
 * The tokens as environment overrides from the user's Secret. Tuwunel's figment env provider
 * strips `TUWUNEL_`, splits on `__` and lowercases, so this is `global.appservice.<id>.as_token`.
 * Takes resolved registrations (`resolveAppservices`).
 */
export function appserviceTokenEnv(appservices: AppserviceRegistration[]): k8s.EnvVar[] {
  return appservices.flatMap((as) => [
    { name: `TUWUNEL_APPSERVICE__${as.id.toUpperCase()}__AS_TOKEN`, valueFrom: { secretKeyRef: { name: as.tokensSecret.name, key: as.tokensSecret.asTokenKey! } } },
    { name: `TUWUNEL_APPSERVICE__${as.id.toUpperCase()}__HS_TOKEN`, valueFrom: { secretKeyRef: { name: as.tokensSecret.name, key: as.tokensSecret.hsTokenKey! } } },
  ]);
}

/** Validates resolved registrations; `p` is the prefix of their prop paths (`homeserver.` inside MatrixChat). */
export function checkAppservices(problems: Problems, appservices: AppserviceRegistration[], p: string): void {
  const seen = new Set<string>();
  appservices.forEach((as, index) => {
    const path = `${p}appservices[${index}]`;
    if (typeof as.id !== 'string' || !ID.test(as.id) || as.id.length > 64) {
      problems.add(`${path}.id`, `${show(as.id)} is not a valid appservice ID`, 'Tuwunel lowercases environment keys and splits them on "__", so the tokens would land under another ID and the appservice fails to register', 'use up to 64 lowercase letters, digits, "-" and single "_" (not at the end), e.g. "telegram"');
    } else if (seen.has(as.id)) {
      problems.add(`${path}.id`, `${show(as.id)} is registered twice`, 'Tuwunel refuses duplicate appservice IDs and does not start', 'give each registration its own ID');
    }
    if (typeof as.id === 'string') seen.add(as.id);
    if (typeof as.senderLocalpart !== 'string' || !LOCALPART.test(as.senderLocalpart)) {
      problems.add(`${path}.senderLocalpart`, `${show(as.senderLocalpart)} is not a Matrix user localpart`, 'the appservice\'s sender user cannot be created and the registration fails', 'use lowercase letters, digits and "._=-/", e.g. "telegrambot"');
    }
    if (as.url !== undefined && !parseUrl(as.url, ['http', 'https'])) {
      problems.add(`${path}.url`, `${show(as.url)} is not an http(s) URL`, 'the homeserver cannot push events to the appservice', 'use the appservice\'s in-cluster URL, e.g. "http://mautrix-telegram:29317"');
    }
    for (const kind of ['users', 'aliases', 'rooms'] as const) {
      (as[kind] ?? []).forEach((ns, nsIndex) => {
        const why = regexProblem(ns.regex);
        if (why !== undefined) {
          // Tuwunel stops loading appservices at the first bad namespace (src/service/appservice/mod.rs:67-111).
          problems.add(`${path}.${kind}[${nsIndex}].regex`, `${show(ns.regex)} is not a valid regular expression for Tuwunel (Rust regex: ${why})`, 'Tuwunel fails to compile the namespace, and this appservice and every one loaded after it are never registered', 'fix the expression in Rust regex syntax (no look-around or back-references), e.g. "@telegram_.*:matrix\\\\.example\\\\.org"');
        }
      });
    }
    checkSecretReference(problems, `${path}.tokensSecret.name`, as.tokensSecret?.name, [
      { path: `${path}.tokensSecret.asTokenKey`, key: as.tokensSecret.asTokenKey },
      { path: `${path}.tokensSecret.hsTokenKey`, key: as.tokensSecret.hsTokenKey },
    ]);
  });
}

/** Why Tuwunel's Rust `regex` crate would refuse the pattern, or undefined when it compiles. */
function regexProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return 'it is empty or not a string';
  return rustRegexProblem(value);
}
