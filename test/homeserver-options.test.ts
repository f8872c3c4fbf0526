// Homeserver feature props (SSO, token lifetimes, client IP source, support contacts, trusted servers, URL previews, presence, log, listeners) and Service IP families.
import { Chart, Duration, Testing } from 'cdk8s';
import { K8sObject, MINIMAL_PROPS, container, find, mount, ofKind, podSpec, problemsAt, synth, tuwunelConfig, volume } from './util';
import {
  ClientIpSource, Homeserver, HomeserverSettings, IpFamily, IpFamilyPolicy, LkJwt, MatrixChatProps, Routing,
  SsoIdentityProviderProps, SupportContactRole,
} from '../src';
import { tuwunelStartupProblems } from '../src/startup-checks';

const TOKEN = { registrationTokenExistingSecret: { name: 'matrix-registration' } };
const KEYCLOAK: SsoIdentityProviderProps = {
  brand: 'keycloak',
  clientId: 'matrix',
  clientSecretSecret: { name: 'keycloak-client', key: 'secret' },
  issuerUrl: 'https://id.example.org/realms/chat',
};
const GITHUB: SsoIdentityProviderProps = { brand: 'GitHub', clientId: 'Iv1.0123abcd', clientSecretSecret: { name: 'github-oauth', key: 'client-secret' } };
const GATEWAY = Routing.gatewayApi({ parentRefs: [{ name: 'public', namespace: 'gateway-system' }] });
const TIGHT = { networkPolicy: { ingressControllerNamespace: 'ingress-nginx' } };

function withHomeserver(settings: HomeserverSettings, extra: Partial<MatrixChatProps> = {}): MatrixChatProps {
  return { ...MINIMAL_PROPS, ...extra, homeserver: { ...TOKEN, ...settings } };
}
const globalOf = (props: MatrixChatProps): any => tuwunelConfig(synth(props)).global;

/** Files the homeserver pod mounts from Secrets (path → mode), the context Tuwunel's file checks need. */
function mountedFiles(statefulSet: K8sObject): Map<string, { mode?: number }> {
  const spec = podSpec(statefulSet);
  const files = new Map<string, { mode?: number }>();
  for (const m of container(statefulSet).volumeMounts) {
    const v = spec.volumes.find((x: any) => x.name === m.name);
    for (const item of v?.secret?.items ?? []) files.set(`${m.mountPath}/${item.path}`, { mode: v.secret.defaultMode });
  }
  return files;
}

describe('SSO', () => {
  const props = withHomeserver({ sso: { identityProviders: [{ ...KEYCLOAK, name: 'Company login', isDefault: true, scopes: ['openid', 'email'], trusted: true }, GITHUB] }, loginWithPassword: false });

  test('each provider becomes a [[global.identity_provider]] with client_secret_file, never the secret', () => {
    const config = globalOf(props);
    expect(config.identity_provider).toEqual([
      { brand: 'keycloak', client_id: 'matrix', client_secret_file: '/etc/tuwunel/sso/0/client_secret', issuer_url: KEYCLOAK.issuerUrl, name: 'Company login', default: true, scope: ['openid', 'email'], trusted: true },
      { brand: 'GitHub', client_id: 'Iv1.0123abcd', client_secret_file: '/etc/tuwunel/sso/1/client_secret' },
    ]);
    expect(config.login_with_password).toBe(false);
    expect(config).not.toHaveProperty('client_secret');
  });

  test('the client secret is mounted read-only, mode 0440, from the user\'s Secret key', () => {
    const hs = find(synth(props), 'StatefulSet', 'matrix-homeserver');
    expect(volume(hs, 'sso-0')).toEqual({ name: 'sso-0', secret: { secretName: 'keycloak-client', items: [{ key: 'secret', path: 'client_secret' }], defaultMode: 0o440 } });
    expect(mount(container(hs), 'sso-1')).toEqual({ name: 'sso-1', mountPath: '/etc/tuwunel/sso/1', readOnly: true });
  });

  test('the whole document passes Tuwunel\'s start-up checks, the secret files included', () => {
    const objects = synth(props);
    const files = mountedFiles(find(objects, 'StatefulSet', 'matrix-homeserver'));
    expect(files.get('/etc/tuwunel/sso/0/client_secret')).toEqual({ mode: 0o440 });
    expect(tuwunelStartupProblems(tuwunelConfig(objects).global, undefined, { mountedFiles: files })).toEqual([]);
  });

  test('the callback URL Tuwunel derives is on the public host (well_known.client)', () => {
    expect(globalOf({ ...props, publicHost: 'chat.example.org' }).well_known.client).toBe('https://chat.example.org');
  });
});

describe('token lifetimes', () => {
  test('accessTokenTtl and refreshTokenTtl are written in seconds', () => {
    const config = globalOf(withHomeserver({ accessTokenTtl: Duration.hours(1), refreshTokenTtl: Duration.days(30) }));
    expect([config.access_token_ttl, config.refresh_token_ttl]).toEqual([3600, 2_592_000]);
  });
});

describe('client IP source', () => {
  const ipSource = (props: MatrixChatProps): unknown => globalOf(props).ip_source;

  test.each<[string, MatrixChatProps, string | undefined]>([
    ['nginx with an open NetworkPolicy: unset (direct callers would get HTTP 500)', MINIMAL_PROPS, undefined],
    ['nginx, HTTP only from the ingress namespace', { ...MINIMAL_PROPS, ...TIGHT }, 'rightmost_x_forwarded_for'],
    ['haproxy, HTTP only from the ingress namespace', { ...MINIMAL_PROPS, ...TIGHT, ingress: { className: 'haproxy' } }, 'rightmost_x_forwarded_for'],
    ['traefik, HTTP only from the ingress namespace', { ...MINIMAL_PROPS, ...TIGHT, ingress: { className: 'traefik' } }, 'rightmost_x_forwarded_for'],
    ['openshift-default, HTTP only from the ingress namespace', { ...MINIMAL_PROPS, ...TIGHT, ingress: { className: 'openshift-default' } }, 'rightmost_x_forwarded_for'],
    ['Gateway API, HTTP only from the gateway namespace', { ...MINIMAL_PROPS, ...TIGHT, routing: GATEWAY }, 'rightmost_x_forwarded_for'],
    ['an unknown ingress class', { ...MINIMAL_PROPS, ...TIGHT, ingress: { className: 'contour' } }, undefined],
    ['the Ingress disabled (routing is the user\'s)', { ...MINIMAL_PROPS, ...TIGHT, ingress: { enabled: false } }, undefined],
    ['NetworkPolicies off', { ...MINIMAL_PROPS, networkPolicy: { enabled: false, ingressControllerNamespace: 'ingress-nginx' } }, undefined],
    ['nginx with the direct callers listed', withHomeserver({ clientIpTrustedSubnets: ['10.244.7.0/24'] }), 'rightmost_x_forwarded_for'],
    ['explicit X_REAL_IP', withHomeserver({ clientIpSource: ClientIpSource.X_REAL_IP }), 'x_real_ip'],
    ['explicit CLOUDFRONT_VIEWER_ADDRESS', withHomeserver({ clientIpSource: ClientIpSource.CLOUDFRONT_VIEWER_ADDRESS }), 'cloudfront_viewer_address'],
    ['explicit HEADER_SCAN with a tight policy', withHomeserver({ clientIpSource: ClientIpSource.HEADER_SCAN }, TIGHT), undefined],
  ])('FROM_ROUTING and explicit sources: %s', (_name, props, expected) => {
    expect(ipSource(props)).toBe(expected);
  });

  test('trusted subnets are written next to the source', () => {
    expect(globalOf(withHomeserver({ clientIpTrustedSubnets: ['10.244.7.0/24', 'fd00:10:244::/64'] })).ip_source_trusted_subnets).toEqual(['10.244.7.0/24', 'fd00:10:244::/64']);
  });

  test('a standalone Homeserver knows no proxy: FROM_ROUTING leaves ip_source unset', () => {
    const chart = new Chart(Testing.app(), 'hs');
    const hs = new Homeserver(chart, 'hs', { serverName: 'hs.example.net', registrationToken: 'standalone-token' });
    expect(hs.configToml).not.toContain('ip_source');
  });
});

describe('discovery, federation, previews, presence, log', () => {
  test('support page and contacts go to [global.well_known], next to the delegation keys', () => {
    const config = globalOf(withHomeserver({
      supportPage: 'https://example.org/help',
      supportContacts: [
        { role: SupportContactRole.ADMIN, emailAddress: 'admin@example.org', matrixId: '@admin:matrix.example.org' },
        { role: SupportContactRole.SECURITY, emailAddress: 'security@example.org', pgpKey: 'openpgp4fpr:8B77919975EAFA5E2456EE03665FE73077489DB0' },
      ],
    }));
    expect(config.well_known.client).toBe('https://matrix.example.org');
    expect(config.well_known.support_page).toBe('https://example.org/help');
    expect(config.well_known.support_contact).toEqual({
      0: { role: 'm.role.admin', email_address: 'admin@example.org', matrix_id: '@admin:matrix.example.org' },
      1: { role: 'm.role.security', email_address: 'security@example.org', pgp_key: 'openpgp4fpr:8B77919975EAFA5E2456EE03665FE73077489DB0' },
    });
  });

  test('trusted servers (also empty), presence and log are written as given', () => {
    const config = globalOf(withHomeserver({ trustedServers: [], presence: { local: false, outgoing: false }, logLevel: 'warn,tuwunel_service=debug' }));
    expect(config.trusted_servers).toEqual([]);
    expect([config.allow_local_presence, config.allow_incoming_presence, config.allow_outgoing_presence]).toEqual([false, undefined, false]);
    expect(config.log).toBe('warn,tuwunel_service=debug');
  });

  test('URL previews: on means every domain, and Tuwunel\'s private-range deny-list is left in force', () => {
    const config = globalOf(withHomeserver({ urlPreviews: { enabled: true } }));
    expect(config.url_preview_domain_explicit_allowlist).toEqual(['*']);
    expect(config).not.toHaveProperty('ip_range_denylist');
    const listed = globalOf(withHomeserver({ urlPreviews: { enabled: true, allowedDomains: ['example.org'], deniedDomains: ['bad.example.org'] } }));
    expect([listed.url_preview_domain_explicit_allowlist, listed.url_preview_domain_explicit_denylist]).toEqual([['example.org'], ['bad.example.org']]);
  });

  test('by default none of these keys is written (Tuwunel\'s own defaults apply)', () => {
    const config = globalOf(MINIMAL_PROPS);
    for (const key of ['ip_source', 'ip_source_trusted_subnets', 'login_with_password', 'access_token_ttl', 'refresh_token_ttl', 'trusted_servers', 'url_preview_domain_explicit_allowlist', 'allow_local_presence', 'log', 'identity_provider']) {
      expect(config).not.toHaveProperty(key);
    }
    expect(Object.keys(config.well_known)).toEqual(['client', 'server', 'livekit_url']);
    expect(config.address).toEqual(['0.0.0.0']);
  });
});

describe('IPv6 and dual stack', () => {
  const services = (objects: K8sObject[]): Array<[string, unknown, unknown]> => ofKind(objects, 'Service').map((s) => [s.metadata.name, s.spec.ipFamilyPolicy, s.spec.ipFamilies]);

  test('ipFamilyPolicy and ipFamilies reach every Service, and Tuwunel also listens on ::', () => {
    const objects = synth({ ...MINIMAL_PROPS, ipFamilyPolicy: IpFamilyPolicy.PREFER_DUAL_STACK, ipFamilies: [IpFamily.IPV4, IpFamily.IPV6] });
    expect(services(objects)).toEqual(['matrix-homeserver', 'livekit-signaling', 'livekit-rtc', 'lk-jwt-service'].map((n) => [n, 'PreferDualStack', ['IPv4', 'IPv6']]));
    expect(tuwunelConfig(objects).global.address).toEqual(['0.0.0.0', '::']);
  });

  test.each<[string, Partial<MatrixChatProps>, string[]]>([
    ['RequireDualStack guarantees pod IPv6', { ipFamilyPolicy: IpFamilyPolicy.REQUIRE_DUAL_STACK }, ['0.0.0.0', '::']],
    ['IPv6 single stack', { ipFamilies: [IpFamily.IPV6] }, ['0.0.0.0', '::']],
    ['PreferDualStack alone may land on an IPv4-only cluster', { ipFamilyPolicy: IpFamilyPolicy.PREFER_DUAL_STACK }, ['0.0.0.0']],
  ])('default listen addresses: %s', (_name, extra, expected) => {
    expect(tuwunelConfig(synth({ ...MINIMAL_PROPS, ...extra })).global.address).toEqual(expected);
  });

  test('explicit listenAddresses win; without the props the Services carry no family fields', () => {
    const objects = synth(withHomeserver({ listenAddresses: ['::'] }));
    expect(tuwunelConfig(objects).global.address).toEqual(['::']);
    expect(services(objects).every(([, policy, families]) => policy === undefined && families === undefined)).toBe(true);
  });

  test('standalone components take the props too', () => {
    const chart = new Chart(Testing.app(), 'c');
    new LkJwt(chart, 'jwt', { serverName: 'example.org', livekitUrl: 'wss://example.org', ipFamilyPolicy: IpFamilyPolicy.SINGLE_STACK, ipFamilies: [IpFamily.IPV6], credentials: { secretName: 'lk', apiKeyKey: 'k', apiSecretKey: 's', livekitKeysKey: 'keys' } });
    const service = find(Testing.synth(chart) as K8sObject[], 'Service', 'lk-jwt-service');
    expect([service.spec.ipFamilyPolicy, service.spec.ipFamilies]).toEqual(['SingleStack', ['IPv6']]);
  });
});

describe('validation', () => {
  const p = 'homeserver.';
  const sso = (...identityProviders: any[]): HomeserverSettings => ({ sso: { identityProviders } });
  // [rule, props, path, words the message must hold]
  const rules: Array<[string, MatrixChatProps, string, string]> = [
    ['SSO without providers', withHomeserver(sso()), `${p}sso.identityProviders`, 'silently stays off'],
    ['a provider without a client secret', withHomeserver(sso({ ...KEYCLOAK, clientSecretSecret: undefined })), `${p}sso.identityProviders[0].clientSecretSecret`, 'check.rs:615-625'],
    ['a client secret Secret with a bad name', withHomeserver(sso({ ...KEYCLOAK, clientSecretSecret: { name: 'Bad_Name', key: 'secret' } })), `${p}sso.identityProviders[0].clientSecretSecret.name`, 'not a valid Secret name'],
    ['two providers with one client ID', withHomeserver(sso(KEYCLOAK, { ...KEYCLOAK, brand: 'mas' })), `${p}sso.identityProviders[1].clientId`, 'Duplicate identity_provider'],
    ['an empty client ID', withHomeserver(sso({ ...KEYCLOAK, clientId: ' ' })), `${p}sso.identityProviders[0].clientId`, 'mod.rs:4388'],
    ['an empty brand', withHomeserver(sso({ ...KEYCLOAK, brand: '' })), `${p}sso.identityProviders[0].brand`, 'mod.rs:4377'],
    ['a self-hosted brand without issuer', withHomeserver(sso({ ...KEYCLOAK, issuerUrl: undefined })), `${p}sso.identityProviders[0].issuerUrl`, 'providers.rs:146-156'],
    ['a plain-http issuer', withHomeserver(sso({ ...KEYCLOAK, issuerUrl: 'http://keycloak:8080/realms/chat' })), `${p}sso.identityProviders[0].issuerUrl`, 'clear text'],
    ['an icon that is not mxc://', withHomeserver(sso({ ...KEYCLOAK, icon: 'https://example.org/icon.png' })), `${p}sso.identityProviders[0].icon`, 'OwnedMxcUri'],
    ['a scope with a space', withHomeserver(sso({ ...KEYCLOAK, scopes: ['openid email'] })), `${p}sso.identityProviders[0].scopes`, 'not a list of OAuth scopes'],
    ['two default providers', withHomeserver(sso({ ...KEYCLOAK, isDefault: true }, { ...GITHUB, isDefault: true })), `${p}sso.identityProviders`, 'at most one'],
    ['password login off without SSO', withHomeserver({ loginWithPassword: false }), `${p}loginWithPassword`, 'no user could log in'],
    ['an access token lifetime under a minute', withHomeserver({ accessTokenTtl: Duration.seconds(30) }), `${p}accessTokenTtl`, 'below one minute'],
    ['a lifetime that is not whole seconds', withHomeserver({ refreshTokenTtl: Duration.millis(90_500) }), `${p}refreshTokenTtl`, 'not a whole-second'],
    ['refresh tokens shorter-lived than access tokens', withHomeserver({ refreshTokenTtl: Duration.days(1) }), `${p}refreshTokenTtl`, 'shorter than the access token lifetime (604800'],
    ['an unknown client IP source', withHomeserver({ clientIpSource: 'leftmost' as ClientIpSource }), `${p}clientIpSource`, 'not a client IP source'],
    ['CONNECT_INFO behind the ingress', withHomeserver({ clientIpSource: ClientIpSource.CONNECT_INFO }), `${p}clientIpSource`, 'blocks everyone'],
    ['a trusted subnet without prefix', withHomeserver({ clientIpTrustedSubnets: ['10.244.7.1'] }), `${p}clientIpTrustedSubnets[0]`, 'IpNet'],
    ['a trusted subnet of every address', withHomeserver({ clientIpTrustedSubnets: ['::/0'] }), `${p}clientIpTrustedSubnets[0]`, 'contains every address'],
    ['trusted subnets with HEADER_SCAN', withHomeserver({ clientIpSource: ClientIpSource.HEADER_SCAN, clientIpTrustedSubnets: ['10.244.7.0/24'] }), `${p}clientIpTrustedSubnets`, 'silently ignored'],
    ['trusted subnets behind an unknown proxy', withHomeserver({ clientIpTrustedSubnets: ['10.244.7.0/24'] }, { ingress: { className: 'contour' } }), `${p}clientIpTrustedSubnets`, 'proxy in front is unknown'],
    ['a plain-http support page', withHomeserver({ supportPage: 'http://example.org/help' }), `${p}supportPage`, 'not an https:// URL'],
    ['a contact without address', withHomeserver({ supportContacts: [{ role: SupportContactRole.ADMIN }] }), `${p}supportContacts[0]`, 'check.rs:714-720'],
    ['a contact with an unknown role', withHomeserver({ supportContacts: [{ role: 'boss' as SupportContactRole, emailAddress: 'a@example.org' }] }), `${p}supportContacts[0].role`, 'not a support role'],
    ['a contact with a bad Matrix ID', withHomeserver({ supportContacts: [{ role: SupportContactRole.ADMIN, matrixId: 'admin' }] }), `${p}supportContacts[0].matrixId`, 'OwnedUserId'],
    ['a contact with a bad e-mail address', withHomeserver({ supportContacts: [{ role: SupportContactRole.ADMIN, emailAddress: 'admin' }] }), `${p}supportContacts[0].emailAddress`, 'not an e-mail address'],
    ['a contact with an inline PGP key', withHomeserver({ supportContacts: [{ role: SupportContactRole.ADMIN, emailAddress: 'a@example.org', pgpKey: '-----BEGIN PGP PUBLIC KEY BLOCK-----' }] }), `${p}supportContacts[0].pgpKey`, 'check.rs:722-725'],
    ['a trusted server that is not a server name', withHomeserver({ trustedServers: ['https://matrix.org'] }), `${p}trustedServers[0]`, 'OwnedServerName'],
    ['a trusted server listed twice', withHomeserver({ trustedServers: ['matrix.org', 'matrix.org'] }), `${p}trustedServers[1]`, 'listed twice'],
    ['preview allow-list while previews are off', withHomeserver({ urlPreviews: { allowedDomains: ['example.org'] } }), `${p}urlPreviews.allowedDomains`, 'silently ignored'],
    ['a preview deny-list without allow-list', withHomeserver({ urlPreviews: { enabled: true, deniedDomains: ['bad.example.org'] } }), `${p}urlPreviews.deniedDomains`, 'preview.rs:1036-1042'],
    ['a preview domain with a wildcard', withHomeserver({ urlPreviews: { enabled: true, allowedDomains: ['*.example.org'] } }), `${p}urlPreviews.allowedDomains[0]`, 'not a lowercase host name'],
    ['outgoing presence without local presence', withHomeserver({ presence: { local: false } }), `${p}presence.outgoing`, 'check.rs:402-408'],
    ['a log filter Tuwunel cannot parse', withHomeserver({ logLevel: 'very loud' }), `${p}logLevel`, 'logging.rs:98-101'],
    ['no listen address', withHomeserver({ listenAddresses: [] }), `${p}listenAddresses`, 'net.rs:36-52'],
    ['a loopback listen address', withHomeserver({ listenAddresses: ['127.0.0.1'] }), `${p}listenAddresses[0]`, 'unreachable'],
    ['a listen address twice', withHomeserver({ listenAddresses: ['::', '::'] }), `${p}listenAddresses[1]`, 'listed twice'],
    ['IPv6 Services with an IPv4-only listener', withHomeserver({ listenAddresses: ['0.0.0.0'] }, { ipFamilies: [IpFamily.IPV6] }), `${p}listenAddresses`, 'has no "::"'],
    ['two families without a dual-stack policy', { ...MINIMAL_PROPS, ipFamilies: [IpFamily.IPV4, IpFamily.IPV6] }, 'ipFamilyPolicy', 'unset (SingleStack)'],
    ['SingleStack with two families', { ...MINIMAL_PROPS, ipFamilyPolicy: IpFamilyPolicy.SINGLE_STACK, ipFamilies: [IpFamily.IPV6, IpFamily.IPV4] }, 'ipFamilyPolicy', 'single-stack Service with two families'],
    ['one family twice', { ...MINIMAL_PROPS, ipFamilyPolicy: IpFamilyPolicy.PREFER_DUAL_STACK, ipFamilies: [IpFamily.IPV4, IpFamily.IPV4] }, 'ipFamilies[1]', 'repeats'],
    ['an unknown family', { ...MINIMAL_PROPS, ipFamilies: ['IPv5' as IpFamily] }, 'ipFamilies[0]', 'not an IP family'],
    ['no family', { ...MINIMAL_PROPS, ipFamilies: [] }, 'ipFamilies', 'one or two IP families'],
    ['an unknown policy', { ...MINIMAL_PROPS, ipFamilyPolicy: 'DualStack' as IpFamilyPolicy }, 'ipFamilyPolicy', 'not an IP family policy'],
  ];

  test.each(rules)('refused: %s', (_rule, props, path, words) => {
    const lines = problemsAt(props, path);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(words);
  });

  // The valid neighbour of each rule above synthesizes.
  const neighbours: Array<[string, MatrixChatProps]> = [
    ['one provider, github without issuer (Tuwunel presets it)', withHomeserver(sso(GITHUB))],
    ['two providers, one default, password login off', withHomeserver({ ...sso({ ...KEYCLOAK, isDefault: true }, GITHUB), loginWithPassword: false })],
    ['token lifetimes of a minute, refresh equal to access', withHomeserver({ accessTokenTtl: Duration.minutes(1), refreshTokenTtl: Duration.minutes(1) })],
    ['CONNECT_INFO without a proxy MatrixChat knows', withHomeserver({ clientIpSource: ClientIpSource.CONNECT_INFO }, { ingress: { className: 'contour' } })],
    ['trusted subnets with an explicit source behind an unknown proxy', withHomeserver({ clientIpSource: ClientIpSource.RIGHTMOST_FORWARDED, clientIpTrustedSubnets: ['10.244.7.5/32'] }, { ingress: { className: 'contour' } })],
    ['a contact with only a Matrix ID', withHomeserver({ supportContacts: [{ role: SupportContactRole.ADMIN, matrixId: '@admin:example.org' }] })],
    ['no trusted server at all', withHomeserver({ trustedServers: [] })],
    ['previews with allow- and deny-list', withHomeserver({ urlPreviews: { enabled: true, allowedDomains: ['example.org'], deniedDomains: ['bad.example.org'] } })],
    ['previews off, lists unset', withHomeserver({ urlPreviews: { enabled: false } })],
    ['presence off entirely', withHomeserver({ presence: { local: false, incoming: false, outgoing: false } })],
    ['a log filter with targets', withHomeserver({ logLevel: 'warn,tuwunel_service=debug' })],
    ['IPv6 Services with both listeners', withHomeserver({ listenAddresses: ['0.0.0.0', '::'] }, { ipFamilyPolicy: IpFamilyPolicy.REQUIRE_DUAL_STACK, ipFamilies: [IpFamily.IPV6, IpFamily.IPV4] })],
    ['one family, no policy', { ...MINIMAL_PROPS, ipFamilies: [IpFamily.IPV4] }],
  ];

  test.each(neighbours)('accepted: %s', (_name, props) => {
    expect(() => synth(props)).not.toThrow();
  });

  test('untyped input (YAML, JavaScript) gives validation errors naming the path, never a TypeError', () => {
    const props = withHomeserver({
      sso: { identityProviders: [null, 'keycloak'] },
      urlPreviews: null,
      presence: 'off',
      supportContacts: [null],
      clientIpTrustedSubnets: '10.0.0.0/8',
      listenAddresses: '::',
      trustedServers: 'matrix.org',
      accessTokenTtl: 3600,
      loginWithPassword: 'no',
    } as any, { ipFamilies: 'IPv6' as any });
    const paths = ['sso.identityProviders[0]', 'sso.identityProviders[1]', 'urlPreviews', 'presence', 'supportContacts[0]', 'clientIpTrustedSubnets', 'listenAddresses', 'trustedServers', 'accessTokenTtl', 'loginWithPassword'];
    for (const path of paths) expect(problemsAt(props, `${p}${path}`)).toHaveLength(1);
    expect(problemsAt(props, 'ipFamilies')).toHaveLength(1);
  });

  test('a standalone Homeserver reports its prop paths without prefix', () => {
    const chart = new Chart(Testing.app(), 'hs');
    new Homeserver(chart, 'hs', { serverName: 'hs.example.net', registrationToken: 'standalone-token', presence: { local: false }, ipFamilies: [IpFamily.IPV4, IpFamily.IPV6] });
    const message = (() => { try { Testing.synth(chart); return ''; } catch (e) { return (e as Error).message; } })();
    expect(message).toContain('presence.outgoing: is on (the default) while presence.local is false');
    expect(message).toContain('ipFamilyPolicy: is unset (SingleStack) while ipFamilies lists two families');
  });
});
