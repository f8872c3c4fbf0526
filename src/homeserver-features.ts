// The homeserver feature props resolved (client IP source from the routing, listen addresses), checked, and written as tuwunel.toml keys and SSO secret mounts.
import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { ClientIpSource, HomeserverFeatureSettings, SsoIdentityProviderProps, SupportContactRole } from './homeserver-options';
import { SECRET_FILE_MODE } from './security-context';
import { ServiceIpFamilyProps, requiresIpv6 } from './service-ip-families';
import { envFilterProblem, isCidr, isServerName, isUserId, pgpKeyProblem } from './startup-checks';
import { Problems, checkSecretReference, isFullyQualifiedDnsName, parseUrl, show } from './validation';

/** How public traffic reaches the homeserver, as MatrixChat knows it (a standalone Homeserver knows nothing). */
export interface ClientIpRouting {
  /** The proxy in front, e.g. `Ingress class "nginx"`; undefined when no known proxy is in front. */
  readonly proxy?: string;
  /** The NetworkPolicy admits HTTP to the homeserver only from the proxy's namespace and the stack's own pods. */
  readonly onlyThroughProxy: boolean;
}

/** Ingress classes whose controllers write X-Forwarded-For (the ones ingress.ts configures). */
const XFF_INGRESS_CLASSES = ['nginx', 'haproxy', 'openshift-default', 'traefik'];

/** The routing MatrixChat hands its homeserver, from what it routes and the policy it writes. */
export function clientIpRouting(gatewayApi: boolean, ingressClass: string | undefined, onlyThroughProxy: boolean): ClientIpRouting {
  const proxy = gatewayApi ? 'Gateway API' : ingressClass !== undefined && XFF_INGRESS_CLASSES.includes(ingressClass) ? `Ingress class "${ingressClass}"` : undefined;
  return { proxy, onlyThroughProxy };
}

// Handed over inside the props under a symbol key (as validation-scope.ts does): not public API.
const ROUTING = Symbol('matrix-chat.client-ip-routing');

/** The props with the routing a parent knows. */
export function withClientIpRouting<T extends object>(props: T, routing: ClientIpRouting): T {
  return { ...props, [ROUTING]: routing };
}

function routingOf(props: object): ClientIpRouting {
  return (props as { [ROUTING]?: ClientIpRouting })[ROUTING] ?? { onlyThroughProxy: false };
}

/** Tuwunel's `ip_source` values (src/core/config/ip_source.rs:10-38, serde snake_case). */
const IP_SOURCE_VALUES: Partial<Record<string, string>> = {
  CONNECT_INFO: 'connect_info',
  RIGHTMOST_X_FORWARDED_FOR: 'rightmost_x_forwarded_for',
  RIGHTMOST_FORWARDED: 'rightmost_forwarded',
  X_REAL_IP: 'x_real_ip',
  CF_CONNECTING_IP: 'cf_connecting_ip',
  TRUE_CLIENT_IP: 'true_client_ip',
  FLY_CLIENT_IP: 'fly_client_ip',
  CLOUDFRONT_VIEWER_ADDRESS: 'cloudfront_viewer_address',
};

/** Where the SSO client secrets are mounted, one directory per provider (by position: client IDs may hold any character). */
export const SSO_SECRET_DIR = '/etc/tuwunel/sso';
const SSO_SECRET_FILE = 'client_secret';
const PRESET_ISSUER_BRANDS = ['github', 'gitlab', 'google'];
const MIN_TOKEN_TTL_SECONDS = 60;

/** The feature props with their defaults and derived values. */
export interface ResolvedFeatures {
  readonly props: HomeserverFeatureSettings & ServiceIpFamilyProps;
  readonly routing: ClientIpRouting;
  readonly clientIpSource: ClientIpSource;
  /** Tuwunel's `ip_source`; undefined leaves it unset (the header scan). */
  readonly ipSource?: string;
  readonly trustedSubnets: string[];
  readonly listenAddresses: string[];
  readonly accessTokenTtlSeconds?: number;
  readonly refreshTokenTtlSeconds?: number;
}

export function resolveFeatures(props: HomeserverFeatureSettings & ServiceIpFamilyProps): ResolvedFeatures {
  const routing = routingOf(props);
  const clientIpSource = props.clientIpSource ?? ClientIpSource.FROM_ROUTING;
  const trustedSubnets = Array.isArray(props.clientIpTrustedSubnets) ? [...props.clientIpTrustedSubnets] : [];
  // Derived only where no caller can miss the header: a missing header is HTTP 500 on ~50 routes
  // (src/api/router/client_ip.rs:52-58) unless the peer is loopback or a trusted subnet (70-81).
  const derived = routing.proxy !== undefined && (routing.onlyThroughProxy || trustedSubnets.length > 0) ? 'rightmost_x_forwarded_for' : undefined;
  return {
    props,
    routing,
    clientIpSource,
    ipSource: clientIpSource === ClientIpSource.FROM_ROUTING ? derived : IP_SOURCE_VALUES[clientIpSource],
    trustedSubnets,
    // An explicit "::" fails to bind on a node without IPv6 (src/router/serve.rs:262-269); an
    // IPv6 Service guarantees pod IPv6, and Tuwunel skips 0.0.0.0 when "::" covers it (serve.rs:257-261).
    listenAddresses: Array.isArray(props.listenAddresses) ? [...props.listenAddresses] : requiresIpv6(props) ? ['0.0.0.0', '::'] : ['0.0.0.0'],
    accessTokenTtlSeconds: seconds(props.accessTokenTtl),
    refreshTokenTtlSeconds: seconds(props.refreshTokenTtl),
  };
}

function seconds(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Duration)) return NaN;
  try {
    return value.toSeconds();
  } catch {
    return NaN;
  }
}

const ssoFile = (index: number): string => `${SSO_SECRET_DIR}/${index}/${SSO_SECRET_FILE}`;
const providersOf = (f: ResolvedFeatures): SsoIdentityProviderProps[] => {
  const providers = f.props.sso?.identityProviders;
  // Entries that are not objects are reported by checkSso; they write nothing.
  return Array.isArray(providers) ? providers.filter(isObject) : [];
};
/** The entries that are set: an unset prop writes no key, so Tuwunel's default applies. */
function defined(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

/** The `[global]` keys of the features (besides `address` and `well_known`), only those set: Tuwunel's defaults stay Tuwunel's. */
export function featureConfig(f: ResolvedFeatures): Record<string, unknown> {
  const p = f.props;
  const previews = p.urlPreviews?.enabled === true;
  return defined({
    ip_source: f.ipSource,
    ip_source_trusted_subnets: f.trustedSubnets.length > 0 ? f.trustedSubnets : undefined,
    login_with_password: p.loginWithPassword,
    access_token_ttl: f.accessTokenTtlSeconds,
    refresh_token_ttl: f.refreshTokenTtlSeconds,
    trusted_servers: p.trustedServers,
    // Previews are off while every allow-list is empty (src/service/media/preview.rs:1002-1121);
    // ip_range_denylist is never written, so Tuwunel's private-range deny-list keeps applying.
    url_preview_domain_explicit_allowlist: previews ? p.urlPreviews?.allowedDomains ?? ['*'] : undefined,
    url_preview_domain_explicit_denylist: previews ? p.urlPreviews?.deniedDomains : undefined,
    allow_local_presence: p.presence?.local,
    allow_incoming_presence: p.presence?.incoming,
    allow_outgoing_presence: p.presence?.outgoing,
    log: p.logLevel,
    identity_provider: providersOf(f).length > 0 ? providersOf(f).map((idp, index) => defined({
      brand: idp.brand,
      client_id: idp.clientId,
      client_secret_file: ssoFile(index),
      issuer_url: idp.issuerUrl,
      name: idp.name,
      icon: idp.icon,
      default: idp.isDefault,
      scope: idp.scopes,
      trusted: idp.trusted,
      registration: idp.registration,
    })) : undefined,
  });
}

/** The `[global.well_known]` keys of the features. */
export function wellKnownFeatureConfig(f: ResolvedFeatures): Record<string, unknown> {
  const contacts = Array.isArray(f.props.supportContacts) ? f.props.supportContacts.filter(isObject) : [];
  return defined({
    support_page: f.props.supportPage,
    // The contact IDs are only table names (well_known.rs:25-39 publishes the values in ID order).
    support_contact: contacts.length > 0 ? Object.fromEntries(contacts.map((c, i) => [String(i), defined({
      role: c.role,
      email_address: c.emailAddress,
      matrix_id: c.matrixId,
      pgp_key: c.pgpKey,
    })])) : undefined,
  });
}

/** The SSO client-secret volumes and mounts, and the files they put in the pod (path → mode). */
export function ssoSecretVolumes(f: ResolvedFeatures): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[]; files: Map<string, { mode: number }> } {
  const volumes: k8s.Volume[] = [];
  const mounts: k8s.VolumeMount[] = [];
  const files = new Map<string, { mode: number }>();
  providersOf(f).forEach((idp, index) => {
    const ref = idp.clientSecretSecret;
    if (!isObject(ref)) return;
    volumes.push({ name: `sso-${index}`, secret: { secretName: ref.name, items: [{ key: ref.key, path: SSO_SECRET_FILE }], defaultMode: SECRET_FILE_MODE } });
    mounts.push({ name: `sso-${index}`, mountPath: `${SSO_SECRET_DIR}/${index}`, readOnly: true });
    files.set(ssoFile(index), { mode: SECRET_FILE_MODE });
  });
  return { volumes, mounts, files };
}

/** Validates the feature props; `p` is the prefix of their prop paths. */
export function checkFeatures(problems: Problems, f: ResolvedFeatures, p: string): void {
  checkSso(problems, f, p);
  checkLogin(problems, f, p);
  checkClientIp(problems, f, p);
  checkSupport(problems, f, p);
  checkFederationAndPreviews(problems, f, p);
  checkListenAddresses(problems, f, p);
}

const isObject = <T>(v: T): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
const isBool = (v: unknown): boolean => v === undefined || typeof v === 'boolean';
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '' && !/[\u0000-\u001f\u007f]/.test(v);

function checkList(problems: Problems, path: string, value: unknown, why: string, example: string): value is unknown[] {
  if (value === undefined) return false;
  if (!Array.isArray(value)) {
    problems.add(path, `${show(value)} is not a list`, why, `use a list, e.g. ${example}`);
    return false;
  }
  return true;
}

function checkSso(problems: Problems, f: ResolvedFeatures, p: string): void {
  const sso = f.props.sso;
  if (sso === undefined) return;
  if (!isObject(sso)) {
    problems.add(`${p}sso`, `${show(sso)} is not a map`, 'no identity provider would be offered', 'use { identityProviders: [...] }');
    return;
  }
  const providers = sso?.identityProviders;
  if (!Array.isArray(providers) || providers.length === 0) {
    problems.add(`${p}sso.identityProviders`, `${show(providers)} is not a non-empty list`, 'no identity provider would be offered, so SSO silently stays off', 'list at least one provider, or remove sso');
    return;
  }
  const startup = 'Tuwunel refuses to start';
  const seen = new Set<string>();
  let defaults = 0;
  providers.forEach((idp, index) => {
    const at = `${p}sso.identityProviders[${index}].`;
    if (!isObject(idp)) {
      problems.add(at.slice(0, -1), `${show(idp)} is not an identity provider`, startup, 'give brand, clientId and clientSecretSecret');
      return;
    }
    if (!isText(idp.brand)) problems.add(`${at}brand`, `${show(idp.brand)} is not a brand name`, `${startup} (brand is required, src/core/config/mod.rs:4377)`, 'name the provider\'s brand or software, e.g. "keycloak"');
    if (!isText(idp.clientId)) {
      problems.add(`${at}clientId`, `${show(idp.clientId)} is not a client ID`, `${startup} (client_id is required, mod.rs:4388)`, 'use the client ID the provider issued');
    } else if (seen.has(idp.clientId)) {
      problems.add(`${at}clientId`, `${show(idp.clientId)} is used by another identity provider`, `${startup} ("Duplicate identity_provider with client_id", src/core/config/check.rs:530-545)`, 'give each provider its own OAuth client');
    }
    if (typeof idp.clientId === 'string') seen.add(idp.clientId);
    const secret = idp.clientSecretSecret;
    if (!isObject(secret)) {
      problems.add(`${at}clientSecretSecret`, 'is required', `${startup} ("Either client secret or a client secret file must be set", check.rs:615-625)`, 'put the client secret in a Secret and set clientSecretSecret: { name, key }');
    } else {
      checkSecretReference(problems, `${at}clientSecretSecret.name`, secret.name, [{ path: `${at}clientSecretSecret.key`, key: secret.key }]);
    }
    const brand = typeof idp.brand === 'string' ? idp.brand.toLowerCase() : '';
    if (idp.issuerUrl === undefined && !PRESET_ISSUER_BRANDS.includes(brand)) {
      problems.add(`${at}issuerUrl`, `is required for brand ${show(idp.brand)}`, 'every SSO login through this provider fails ("issuer_url: Required for this provider", src/service/oauth/providers.rs:146-156)', 'set the provider\'s https:// issuer URL, e.g. "https://keycloak.example.org/realms/chat"');
    } else if (idp.issuerUrl !== undefined && !parseUrl(idp.issuerUrl, ['https'])) {
      problems.add(`${at}issuerUrl`, `${show(idp.issuerUrl)} is not an https:// URL`, 'the client secret and tokens would cross the network in clear text (and a non-URL stops Tuwunel from starting, mod.rs:4417)', 'use the provider\'s https:// issuer URL exactly as it publishes it');
    }
    if (idp.name !== undefined && !isText(idp.name)) problems.add(`${at}name`, `${show(idp.name)} is not a display name`, 'the login page would show a blank or broken button', 'use a short name, e.g. "Company login"');
    if (idp.icon !== undefined && !(typeof idp.icon === 'string' && /^mxc:\/\/[^/]+\/[^/]+$/.test(idp.icon))) {
      problems.add(`${at}icon`, `${show(idp.icon)} is not an mxc:// URI`, `${startup} (OwnedMxcUri, mod.rs:4459)`, 'upload the icon to the homeserver and use its mxc://server/id');
    }
    if (idp.scopes !== undefined && (!Array.isArray(idp.scopes) || idp.scopes.some((s) => typeof s !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s)))) {
      problems.add(`${at}scopes`, `${show(idp.scopes)} is not a list of OAuth scopes`, 'the provider rejects the authorization request, so nobody can log in through it', 'list scope tokens without spaces or quotes, e.g. ["openid", "email", "profile"]');
    }
    for (const key of ['isDefault', 'trusted', 'registration'] as const) {
      if (!isBool(idp[key])) problems.add(`${at}${key}`, `${show(idp[key])} is not true or false`, `${startup} (a boolean in tuwunel.toml)`, 'use true or false');
    }
    if (idp.isDefault === true) defaults++;
  });
  if (defaults > 1) {
    problems.add(`${p}sso.identityProviders`, `marks ${defaults} providers isDefault`, 'Tuwunel then chains every default provider into one login that must succeed at all of them (experimental, mod.rs:4427-4448), so a login fails as soon as one provider is down', 'mark at most one provider isDefault');
  }
}

function checkLogin(problems: Problems, f: ResolvedFeatures, p: string): void {
  const props = f.props;
  if (!isBool(props.loginWithPassword)) {
    problems.add(`${p}loginWithPassword`, `${show(props.loginWithPassword)} is not true or false`, 'Tuwunel refuses to start (a boolean in tuwunel.toml)', 'use true or false');
  } else if (props.loginWithPassword === false && props.sso === undefined) {
    problems.add(`${p}loginWithPassword`, 'is false without sso', 'no user could log in from a client (password login off and no identity provider)', `configure ${p}sso, or keep password login`);
  }
  const ttl = (key: 'accessTokenTtl' | 'refreshTokenTtl', value: number | undefined): boolean => {
    if (value === undefined) return true;
    if (!Number.isSafeInteger(value) || value < MIN_TOKEN_TTL_SECONDS) {
      problems.add(`${p}${key}`, Number.isNaN(value) ? `${show(props[key])} is not a whole-second cdk8s Duration` : `${value} seconds is below one minute`, 'clients that refresh tokens would be logged out (soft logout) almost at once, and a non-integer stops Tuwunel from starting (u64 seconds, mod.rs:1688-1710)', 'use e.g. Duration.days(7)');
      return false;
    }
    return true;
  };
  const accessOk = ttl('accessTokenTtl', f.accessTokenTtlSeconds);
  if (ttl('refreshTokenTtl', f.refreshTokenTtlSeconds) && accessOk && f.refreshTokenTtlSeconds !== undefined) {
    const access = f.accessTokenTtlSeconds ?? 604_800;
    if (f.refreshTokenTtlSeconds < access) {
      problems.add(`${p}refreshTokenTtl`, `${f.refreshTokenTtlSeconds} seconds is shorter than the access token lifetime (${access} seconds)`, 'a client refreshes only when its access token expires, by which time the refresh token has expired too (it is an idle timeout, mod.rs:1712-1724), so every session ends with the access token', `use at least ${p}accessTokenTtl, e.g. Duration.days(30)`);
    }
  }
}

function checkClientIp(problems: Problems, f: ResolvedFeatures, p: string): void {
  const source = f.props.clientIpSource;
  if (source !== undefined && !(Object.values(ClientIpSource) as string[]).includes(source)) {
    problems.add(`${p}clientIpSource`, `${show(source)} is not a client IP source`, 'Tuwunel would be given no ip_source or an invalid one', `use one of ${Object.values(ClientIpSource).join(', ')} (ClientIpSource)`);
    return;
  }
  if (checkList(problems, `${p}clientIpTrustedSubnets`, f.props.clientIpTrustedSubnets, 'Tuwunel refuses to start', '["10.244.3.0/24"]')) {
    f.trustedSubnets.forEach((subnet, index) => {
      const at = `${p}clientIpTrustedSubnets[${index}]`;
      if (!isCidr(subnet, true)) {
        problems.add(at, `${show(subnet)} is not a CIDR such as "10.244.3.0/24"`, 'Tuwunel refuses to start (IpNet, src/core/config/mod.rs:947)', 'write the subnet as address/prefix');
      } else if (/\/0$/.test(subnet)) {
        problems.add(at, `${show(subnet)} contains every address`, 'every peer, the proxy included, would skip clientIpSource for the forgeable header scan (src/api/router/client_ip.rs:70-81)', 'list only the subnets of the callers that bypass the proxy');
      }
    });
    if (f.trustedSubnets.length > 0 && f.ipSource === undefined) {
      problems.add(
        `${p}clientIpTrustedSubnets`,
        f.clientIpSource === ClientIpSource.FROM_ROUTING ? 'is set, but the proxy in front is unknown, so ip_source stays unset' : 'is set while clientIpSource is HEADER_SCAN (ip_source unset)',
        'Tuwunel only reads the subnets with an ip_source set, so they would be silently ignored',
        `set ${p}clientIpSource to the header your proxy writes, e.g. ClientIpSource.RIGHTMOST_X_FORWARDED_FOR, or remove the subnets`,
      );
    }
  }
  if (source === ClientIpSource.CONNECT_INFO && f.routing.proxy !== undefined) {
    problems.add(`${p}clientIpSource`, `is CONNECT_INFO behind ${f.routing.proxy}`, 'every client would appear as the proxy\'s address, so one client exhausting a per-address rate limit (SSO, QR login, e-mail) blocks everyone', 'use ClientIpSource.FROM_ROUTING (RIGHTMOST_X_FORWARDED_FOR)');
  }
}

function checkSupport(problems: Problems, f: ResolvedFeatures, p: string): void {
  const props = f.props;
  if (props.supportPage !== undefined && !parseUrl(props.supportPage, ['https'])) {
    problems.add(`${p}supportPage`, `${show(props.supportPage)} is not an https:// URL`, 'clients would link users to a page they cannot open (and a non-URL stops Tuwunel from starting, mod.rs:3849)', 'use e.g. "https://example.org/support"');
  }
  if (!checkList(problems, `${p}supportContacts`, props.supportContacts, 'no contact would be published', '[{ role: SupportContactRole.ADMIN, emailAddress: "admin@example.org" }]')) return;
  const roles = Object.values(SupportContactRole) as string[];
  props.supportContacts!.forEach((contact, index) => {
    const at = `${p}supportContacts[${index}].`;
    if (!isObject(contact)) {
      problems.add(at.slice(0, -1), `${show(contact)} is not a contact`, 'Tuwunel refuses to start (role is required, mod.rs:4053)', 'use e.g. { role: SupportContactRole.ADMIN, emailAddress: "admin@example.org" }');
      return;
    }
    const c = contact as unknown as Record<string, unknown>;
    if (!roles.includes(c.role as string)) problems.add(`${at}role`, `${show(c.role)} is not a support role`, 'Tuwunel refuses to start (role is required, mod.rs:4053)', 'use SupportContactRole.ADMIN or SupportContactRole.SECURITY');
    if (c.emailAddress === undefined && c.matrixId === undefined) problems.add(at.slice(0, -1), 'has neither emailAddress nor matrixId', 'Tuwunel refuses to start (check.rs:714-720)', 'give the contact an e-mail address or a Matrix user ID');
    if (c.emailAddress !== undefined && !(typeof c.emailAddress === 'string' && /^[^\s@]+@[^\s@]+$/.test(c.emailAddress))) {
      problems.add(`${at}emailAddress`, `${show(c.emailAddress)} is not an e-mail address`, 'users could not reach the contact', 'use e.g. "admin@example.org"');
    }
    if (c.matrixId !== undefined && !isUserId(c.matrixId)) problems.add(`${at}matrixId`, `${show(c.matrixId)} is not a Matrix user ID`, 'Tuwunel refuses to start (OwnedUserId, mod.rs:4063)', 'use "@user:server"');
    const pgp = c.pgpKey === undefined ? undefined : pgpKeyProblem(c.pgpKey);
    if (pgp) problems.add(`${at}pgpKey`, `${show(c.pgpKey)} ${pgp}`, 'Tuwunel refuses to start (MSC4439 rules, check.rs:722-725)', 'publish the key and reference it as https://…/key.asc or openpgp4fpr:<40 or 64 hex digits>');
  });
}

function checkFederationAndPreviews(problems: Problems, f: ResolvedFeatures, p: string): void {
  const props = f.props;
  if (checkList(problems, `${p}trustedServers`, props.trustedServers, 'Tuwunel refuses to start', '["matrix.org"]')) {
    const seen = new Set<unknown>();
    props.trustedServers!.forEach((server, index) => {
      if (!isServerName(server)) problems.add(`${p}trustedServers[${index}]`, `${show(server)} is not a Matrix server name`, 'Tuwunel refuses to start (OwnedServerName, mod.rs:1490)', 'use a server name such as "matrix.org"');
      else if (seen.has(server)) problems.add(`${p}trustedServers[${index}]`, `${show(server)} is listed twice`, 'every key query would go to it twice', 'list each server once');
      seen.add(server);
    });
  }
  const previews = props.urlPreviews;
  if (previews !== undefined && !isObject(previews)) {
    problems.add(`${p}urlPreviews`, `${show(previews)} is not a map`, 'whether previews are fetched would be guessed', 'use e.g. { enabled: true }');
  } else if (previews !== undefined) {
    if (!isBool(previews.enabled)) problems.add(`${p}urlPreviews.enabled`, `${show(previews.enabled)} is not true or false`, 'whether previews are fetched would be guessed', 'use true or false');
    for (const key of ['allowedDomains', 'deniedDomains'] as const) {
      const list = previews[key];
      if (!checkList(problems, `${p}urlPreviews.${key}`, list, 'Tuwunel refuses to start (a list of strings)', '["example.org"]')) continue;
      if (previews.enabled !== true) {
        problems.add(`${p}urlPreviews.${key}`, 'is set while urlPreviews.enabled is not true', 'no preview is fetched, so the list would be silently ignored', `set ${p}urlPreviews.enabled to true, or remove the list`);
      }
      list!.forEach((domain, index) => {
        if (!isFullyQualifiedDnsName(domain)) problems.add(`${p}urlPreviews.${key}[${index}]`, `${show(domain)} is not a lowercase host name`, 'Tuwunel compares exact host names, so it would never match a link', `use a host such as "example.org"${key === 'allowedDomains' ? ' (leave allowedDomains unset to preview every domain)' : ''}`);
      });
    }
    if (previews.enabled === true && previews.deniedDomains !== undefined && previews.allowedDomains === undefined) {
      problems.add(`${p}urlPreviews.deniedDomains`, 'is set without allowedDomains', 'previewing every domain is Tuwunel\'s "*" allow-list, which is checked before the deny-list (src/service/media/preview.rs:1036-1042), so the deny-list would be silently ignored', `list the domains to preview in ${p}urlPreviews.allowedDomains`);
    }
  }
  const presence = props.presence;
  if (presence !== undefined && !isObject(presence)) {
    problems.add(`${p}presence`, `${show(presence)} is not a map`, 'Tuwunel\'s presence settings would be guessed', 'use e.g. { incoming: false }');
  } else if (presence !== undefined) {
    for (const key of ['local', 'incoming', 'outgoing'] as const) {
      if (!isBool(presence[key])) problems.add(`${p}presence.${key}`, `${show(presence[key])} is not true or false`, 'Tuwunel refuses to start (a boolean in tuwunel.toml)', 'use true or false');
    }
    if (presence.local === false && (presence.outgoing ?? true) === true) {
      problems.add(`${p}presence.outgoing`, `is ${presence.outgoing === undefined ? 'on (the default)' : 'true'} while presence.local is false`, 'Tuwunel refuses to start ("Outgoing presence requires allowing local presence", src/core/config/check.rs:402-408)', `set ${p}presence.outgoing to false too, or enable local presence`);
    }
  }
  const log = props.logLevel;
  const logProblem = log === undefined ? undefined : envFilterProblem(log);
  if (logProblem) problems.add(`${p}logLevel`, `${show(log)} is not a log filter: ${logProblem}`, 'Tuwunel refuses to start (src/main/logging.rs:98-101)', 'use a level ("warn", "info", "debug") or "target=level" directives separated by commas');
}

function checkListenAddresses(problems: Problems, f: ResolvedFeatures, p: string): void {
  const value = f.props.listenAddresses;
  if (value === undefined) return;
  const path = `${p}listenAddresses`;
  if (!Array.isArray(value) || value.length === 0) {
    problems.add(path, `${show(value)} is not a non-empty list`, 'Tuwunel would bind no listener and serve nothing (src/core/config/net.rs:36-52)', 'use ["0.0.0.0"], ["::"] or ["0.0.0.0", "::"]');
    return;
  }
  value.forEach((address, index) => {
    if (address !== '0.0.0.0' && address !== '::') {
      problems.add(`${path}[${index}]`, `${show(address)} is not "0.0.0.0" or "::"`, 'the pod address is assigned at start and the Service and probes dial it, so any other address (loopback, a fixed IP) is unreachable or fails to bind, and a non-IP stops Tuwunel from starting', 'use "0.0.0.0" (IPv4), "::" (IPv6) or both');
    } else if (value.indexOf(address) !== index) {
      problems.add(`${path}[${index}]`, `${show(address)} is listed twice`, 'Tuwunel would try to bind the same address twice', 'list each address once');
    }
  });
  if (requiresIpv6(f.props) && !value.includes('::')) {
    problems.add(path, 'has no "::" while the Services use IPv6', 'connections to the Service\'s IPv6 address (and probes on an IPv6-only cluster) are refused', `add "::", e.g. ["0.0.0.0", "::"], or leave ${path} unset`);
  }
}
