// The homeserver's login, client-address, discovery, preview, presence, logging and listener props (issue 15 section 1).
import { Duration } from 'cdk8s';
import { SecretKeyReference } from './secret-key-reference';

/**
 * Where Tuwunel takes a client's IP address from (its `ip_source`), for rate limits, device
 * "last seen" addresses and logs.
 */
export enum ClientIpSource {
  /**
   * `RIGHTMOST_X_FORWARDED_FOR` when MatrixChat routes through a known proxy (Ingress of class
   * nginx, haproxy, openshift-default or traefik, or Gateway API) and no caller can bypass it (the
   * NetworkPolicy admits HTTP only from `networkPolicy.ingressControllerNamespace`) or the direct
   * callers are listed in `clientIpTrustedSubnets`; `HEADER_SCAN` otherwise.
   */
  FROM_ROUTING = 'FROM_ROUTING',
  /** Tuwunel's own default (`ip_source` unset): the leftmost address of any proxy header, which a client can forge. */
  HEADER_SCAN = 'HEADER_SCAN',
  /** The TCP peer: behind a proxy, every client appears as the proxy. */
  CONNECT_INFO = 'CONNECT_INFO',
  /** The last address of `X-Forwarded-For`, the one the nearest proxy wrote. */
  RIGHTMOST_X_FORWARDED_FOR = 'RIGHTMOST_X_FORWARDED_FOR',
  /** The last `for=` of the RFC 7239 `Forwarded` header. */
  RIGHTMOST_FORWARDED = 'RIGHTMOST_FORWARDED',
  /** `X-Real-IP` (nginx). */
  X_REAL_IP = 'X_REAL_IP',
  /** `CF-Connecting-IP` (Cloudflare). */
  CF_CONNECTING_IP = 'CF_CONNECTING_IP',
  /** `True-Client-IP` (Akamai, Cloudflare Enterprise). */
  TRUE_CLIENT_IP = 'TRUE_CLIENT_IP',
  /** `Fly-Client-IP` (Fly.io). */
  FLY_CLIENT_IP = 'FLY_CLIENT_IP',
  /** `CloudFront-Viewer-Address` (Amazon CloudFront). */
  CLOUDFRONT_VIEWER_ADDRESS = 'CLOUDFRONT_VIEWER_ADDRESS',
}

/** An upstream OAuth 2.0 / OpenID Connect identity provider (Tuwunel `[[global.identity_provider]]`). */
export interface SsoIdentityProviderProps {
  /** The provider's brand or software, e.g. `keycloak`, `github`, `google`, `gitlab`, `mas` (Tuwunel applies brand-specific defaults and workarounds). */
  readonly brand: string;

  /** The OAuth client ID registered at the provider; also Tuwunel's ID of this provider, so it must never change. */
  readonly clientId: string;

  /** The Secret key holding the OAuth client secret, mounted read-only for Tuwunel's `client_secret_file` (never inline in the config). */
  readonly clientSecretSecret: SecretKeyReference;

  /**
   * The provider's issuer URL (`https://`); identities are bound to it, so it must never change.
   * @default Tuwunel's preset for brands github, gitlab and google; required for every other brand
   */
  readonly issuerUrl?: string;

  /**
   * Name shown on the login page.
   * @default the brand
   */
  readonly name?: string;

  /**
   * Icon shown on the login page, as an `mxc://` URI.
   * @default the brand's icon, if Tuwunel has one
   */
  readonly icon?: string;

  /**
   * The provider `/_matrix/client/v3/login/sso/redirect` uses when several are configured (at most one).
   * @default false (Tuwunel takes the first provider when none is the default)
   */
  readonly isDefault?: boolean;

  /**
   * OAuth scopes to request.
   * @default `openid email profile` (`openid` for brand mas)
   */
  readonly scopes?: string[];

  /**
   * Let this provider log in to existing accounts whose user ID its claims match (account takeover if the provider is not yours); only for a provider you run.
   * @default false
   */
  readonly trusted?: boolean;

  /**
   * Let this provider create new accounts.
   * @default true
   */
  readonly registration?: boolean;
}

/** Single sign-on through upstream identity providers. */
export interface SsoProps {
  /** The identity providers offered on the login page. Register `https://<publicHost>/_matrix/client/unstable/login/sso/callback/<clientId>` as each one's redirect URI. */
  readonly identityProviders: SsoIdentityProviderProps[];
}

/** Role of a support contact (`/.well-known/matrix/support`). */
export enum SupportContactRole {
  /** `m.role.admin`: the server's administrator. */
  ADMIN = 'm.role.admin',
  /** `m.role.security`: where to report security issues. */
  SECURITY = 'm.role.security',
}

/** A contact published at `/.well-known/matrix/support` (Tuwunel `[global.well_known.support_contact.<id>]`). */
export interface SupportContactProps {
  /** What the contact is for. */
  readonly role: SupportContactRole;

  /**
   * E-mail address of the contact.
   * @default none (a Matrix ID is required then)
   */
  readonly emailAddress?: string;

  /**
   * Matrix user ID of the contact.
   * @default none (an e-mail address is required then)
   */
  readonly matrixId?: string;

  /**
   * OpenPGP key of the contact, as a URI (`https://…/key.asc` or `openpgp4fpr:<fingerprint>`).
   * @default none
   */
  readonly pgpKey?: string;
}

/** URL previews: the homeserver fetches links posted in rooms to show a preview. */
export interface UrlPreviewProps {
  /**
   * Fetch previews; Tuwunel's deny-list of private and reserved address ranges (`ip_range_denylist`) stays in force, so no preview reaches inside the cluster.
   * @default false
   */
  readonly enabled?: boolean;

  /**
   * Only preview links to these domains (exact host names).
   * @default every domain, when enabled
   */
  readonly allowedDomains?: string[];

  /**
   * Never preview links to these domains (exact host names); needs `allowedDomains`, since Tuwunel's allow-all skips the deny-list.
   * @default none
   */
  readonly deniedDomains?: string[];
}

/** Presence ("online", "last active"). */
export interface PresenceProps {
  /**
   * Presence among the server's own users.
   * @default true
   */
  readonly local?: boolean;

  /**
   * Accept presence from other servers.
   * @default true
   */
  readonly incoming?: boolean;

  /**
   * Send presence to other servers (needs `local`).
   * @default true
   */
  readonly outgoing?: boolean;
}

/** Tuwunel's login, client-address, discovery, preview, presence, logging and listener settings. */
export interface HomeserverFeatureSettings {
  /**
   * Single sign-on through upstream OIDC/OAuth identity providers.
   * @default no SSO
   */
  readonly sso?: SsoProps;

  /**
   * Allow logging in with a user name and password (Tuwunel `login_with_password`); false leaves SSO as the only login.
   * @default true
   */
  readonly loginWithPassword?: boolean;

  /**
   * Lifetime of access tokens of clients that use refresh tokens (whole seconds, at least a minute).
   * @default Duration.days(7)
   */
  readonly accessTokenTtl?: Duration;

  /**
   * How long a refresh token may go unused before the session ends (whole seconds, at least `accessTokenTtl`).
   * @default refresh tokens never expire
   */
  readonly refreshTokenTtl?: Duration;

  /**
   * Where the client IP address comes from (Tuwunel `ip_source`).
   * @default ClientIpSource.FROM_ROUTING
   */
  readonly clientIpSource?: ClientIpSource;

  /**
   * CIDRs of callers that reach the homeserver Service directly, without the proxy's header (bridges, automation); they are exempt from `clientIpSource`, so never list the proxy's own addresses.
   * @default none
   */
  readonly clientIpTrustedSubnets?: string[];

  /**
   * Support web page published at `/.well-known/matrix/support` (`https://`).
   * @default none
   */
  readonly supportPage?: string;

  /**
   * Contacts published at `/.well-known/matrix/support`.
   * @default none
   */
  readonly supportContacts?: SupportContactProps[];

  /**
   * Servers trusted to vouch for other servers' signing keys (Tuwunel `trusted_servers`); empty fetches every key from its own server.
   * @default ["matrix.org"]
   */
  readonly trustedServers?: string[];

  /**
   * URL previews.
   * @default off
   */
  readonly urlPreviews?: UrlPreviewProps;

  /**
   * Presence.
   * @default local, incoming and outgoing presence on
   */
  readonly presence?: PresenceProps;

  /**
   * Log level or filter directives (Tuwunel `log`, e.g. `warn` or `info,tuwunel_service=debug`).
   * @default 'info'
   */
  readonly logLevel?: string;

  /**
   * Addresses Tuwunel listens on: `0.0.0.0` (IPv4), `::` (IPv6, and IPv4 too unless the node sets `bindv6only`), or both.
   * @default ["0.0.0.0", "::"] when the Services use IPv6 (`ipFamilies` includes it, or `ipFamilyPolicy` requires dual stack), ["0.0.0.0"] otherwise (an explicit `::` stops Tuwunel from starting on a node without IPv6)
   */
  readonly listenAddresses?: string[];
}
