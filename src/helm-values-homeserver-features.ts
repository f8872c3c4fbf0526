// Values keys of the homeserver feature props (SSO, token lifetimes, client IP, support, previews, presence, log, listeners) and the Service IP families.
import { Duration } from 'cdk8s';
import { Reader, Schema, describe, isUnset } from './helm-values-reader';
import { ClientIpSource, HomeserverFeatureSettings, SsoIdentityProviderProps, SupportContactProps, SupportContactRole } from './homeserver-options';
import { IpFamily, IpFamilyPolicy, ServiceIpFamilyProps } from './service-ip-families';

const IDENTITY_PROVIDER_SCHEMA: Schema = {
  brand: true,
  clientId: true,
  clientSecretSecret: { name: true, key: true },
  issuerUrl: true,
  name: true,
  icon: true,
  isDefault: true,
  scopes: true,
  trusted: true,
  registration: true,
};
const SUPPORT_CONTACT_SCHEMA: Schema = { role: true, emailAddress: true, matrixId: true, pgpKey: true };

/** Keys under `matrixChat.homeserver` (list items are checked where they are read). */
export const HOMESERVER_FEATURE_VALUES_SCHEMA: Schema = {
  sso: { identityProviders: true },
  loginWithPassword: true,
  accessTokenTtl: true,
  refreshTokenTtl: true,
  clientIpSource: true,
  clientIpTrustedSubnets: true,
  supportPage: true,
  supportContacts: true,
  trustedServers: true,
  urlPreviews: { enabled: true, allowedDomains: true, deniedDomains: true },
  presence: { local: true, incoming: true, outgoing: true },
  logLevel: true,
  listenAddresses: true,
};

/** Keys under `matrixChat`. */
export const IP_FAMILY_VALUES_SCHEMA: Schema = { ipFamilyPolicy: true, ipFamilies: true };

/** Prop paths to values keys, for naming the key in validation errors. */
export const IP_FAMILY_PROP_TO_VALUES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['ipFamilyPolicy', ['matrixChat.ipFamilyPolicy']],
  ['ipFamilies', ['matrixChat.ipFamilies']],
];

/** An enum member by its value or name, in any of `rightmost_x_forwarded_for`, `RIGHTMOST_X_FORWARDED_FOR`, `fromRouting`. */
function enumValue<T extends string>(r: Reader, path: string, value: unknown, members: Record<string, T>, byValue = false): T | undefined {
  const text = r.str(path, value);
  if (text === undefined) return undefined;
  const name = text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  const found = (Object.entries(members) as Array<[string, T]>).find(([k, v]) => k === name || (byValue && v === text));
  if (!found) {
    r.problem(path, `${describe(value)} is not one of ${Object.entries(members).map(([k, v]) => `"${byValue ? v : k.toLowerCase()}"`).join(', ')}`);
    return undefined;
  }
  return found[1];
}

/** Seconds as an integer (Tuwunel's unit) or a string such as "90s", "15m", "12h", "7d". */
function duration(r: Reader, path: string, value: unknown): Duration | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value === 'number') {
    const seconds = r.int(path, value);
    return seconds === undefined ? undefined : Duration.seconds(seconds);
  }
  const text = r.str(path, value);
  const m = text === undefined ? null : /^([0-9]+)(s|m|h|d)?$/.exec(text.trim());
  if (!m) {
    if (text !== undefined) r.problem(path, `${describe(value)} is not a duration; use seconds (604800) or a number with s, m, h or d ("7d")`);
    return undefined;
  }
  const n = Number(m[1]);
  return m[2] === 'd' ? Duration.days(n) : m[2] === 'h' ? Duration.hours(n) : m[2] === 'm' ? Duration.minutes(n) : Duration.seconds(n);
}

const strings = (r: Reader, path: string, value: unknown): string[] | undefined => r.list(path, value, (p, item) => r.str(p, item));

function identityProvider(r: Reader, path: string, value: unknown): SsoIdentityProviderProps | undefined {
  const idp = r.map(path, value);
  if (!idp) return undefined;
  r.checkKeys(path, idp, IDENTITY_PROVIDER_SCHEMA);
  const secret = r.map(`${path}.clientSecretSecret`, idp.clientSecretSecret);
  return {
    // Left empty when missing: MatrixChat reports them with the other validation errors.
    brand: r.str(`${path}.brand`, idp.brand) ?? '',
    clientId: r.str(`${path}.clientId`, idp.clientId) ?? '',
    // A missing Secret is reported by MatrixChat as well ("is required").
    clientSecretSecret: (secret ? { name: r.str(`${path}.clientSecretSecret.name`, secret.name) ?? '', key: r.str(`${path}.clientSecretSecret.key`, secret.key) ?? '' } : undefined)!,
    issuerUrl: r.str(`${path}.issuerUrl`, idp.issuerUrl),
    name: r.str(`${path}.name`, idp.name),
    icon: r.str(`${path}.icon`, idp.icon),
    isDefault: r.bool(`${path}.isDefault`, idp.isDefault),
    scopes: strings(r, `${path}.scopes`, idp.scopes),
    trusted: r.bool(`${path}.trusted`, idp.trusted),
    registration: r.bool(`${path}.registration`, idp.registration),
  };
}

function supportContact(r: Reader, path: string, value: unknown): SupportContactProps | undefined {
  const c = r.map(path, value);
  if (!c) return undefined;
  r.checkKeys(path, c, SUPPORT_CONTACT_SCHEMA);
  return {
    role: enumValue(r, `${path}.role`, c.role, SupportContactRole as Record<string, SupportContactRole>, true) as SupportContactRole,
    emailAddress: r.str(`${path}.emailAddress`, c.emailAddress),
    matrixId: r.str(`${path}.matrixId`, c.matrixId),
    pgpKey: r.str(`${path}.pgpKey`, c.pgpKey),
  };
}

/** The feature props from `matrixChat.homeserver` (`p` is that path). */
export function homeserverFeatureValues(r: Reader, p: string, hs: Record<string, unknown>): HomeserverFeatureSettings {
  const sso = r.map(`${p}.sso`, hs.sso);
  const identityProviders = sso ? r.list(`${p}.sso.identityProviders`, sso.identityProviders, (path, item) => identityProvider(r, path, item)) : undefined;
  const previews = r.map(`${p}.urlPreviews`, hs.urlPreviews);
  const presence = r.map(`${p}.presence`, hs.presence);
  return {
    sso: sso ? { identityProviders: identityProviders ?? [] } : undefined,
    loginWithPassword: r.bool(`${p}.loginWithPassword`, hs.loginWithPassword),
    accessTokenTtl: duration(r, `${p}.accessTokenTtl`, hs.accessTokenTtl),
    refreshTokenTtl: duration(r, `${p}.refreshTokenTtl`, hs.refreshTokenTtl),
    clientIpSource: enumValue(r, `${p}.clientIpSource`, hs.clientIpSource, ClientIpSource as Record<string, ClientIpSource>),
    clientIpTrustedSubnets: strings(r, `${p}.clientIpTrustedSubnets`, hs.clientIpTrustedSubnets),
    supportPage: r.str(`${p}.supportPage`, hs.supportPage),
    supportContacts: r.list(`${p}.supportContacts`, hs.supportContacts, (path, item) => supportContact(r, path, item)),
    // An empty list is meaningful here (no notary server), so it is kept.
    trustedServers: Array.isArray(hs.trustedServers) && hs.trustedServers.length === 0 ? [] : strings(r, `${p}.trustedServers`, hs.trustedServers),
    urlPreviews: previews ? {
      enabled: r.bool(`${p}.urlPreviews.enabled`, previews.enabled),
      allowedDomains: strings(r, `${p}.urlPreviews.allowedDomains`, previews.allowedDomains),
      deniedDomains: strings(r, `${p}.urlPreviews.deniedDomains`, previews.deniedDomains),
    } : undefined,
    presence: presence ? {
      local: r.bool(`${p}.presence.local`, presence.local),
      incoming: r.bool(`${p}.presence.incoming`, presence.incoming),
      outgoing: r.bool(`${p}.presence.outgoing`, presence.outgoing),
    } : undefined,
    logLevel: r.str(`${p}.logLevel`, hs.logLevel),
    listenAddresses: strings(r, `${p}.listenAddresses`, hs.listenAddresses),
  };
}

/** `matrixChat.ipFamilyPolicy` (`SingleStack`, `PreferDualStack`, `RequireDualStack`) and `matrixChat.ipFamilies` (`IPv4`, `IPv6`). */
export function ipFamilyValues(r: Reader, mc: Record<string, unknown>): ServiceIpFamilyProps {
  return {
    ipFamilyPolicy: enumValue(r, 'matrixChat.ipFamilyPolicy', mc.ipFamilyPolicy, IpFamilyPolicy as Record<string, IpFamilyPolicy>, true),
    ipFamilies: r.list('matrixChat.ipFamilies', mc.ipFamilies, (path, item) => enumValue(r, path, item, IpFamily as Record<string, IpFamily>, true)),
  };
}
