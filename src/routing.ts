// The routing model shared by the Ingress and the Gateway API routes: backends, path prefixes and the fixed route list.
import { LkJwtRelease, lkJwtPaths } from './lk-jwt-release';

/** One backend Service of the ingress. */
export interface IngressBackendRef {
  /** Service name. */
  readonly serviceName: string;
  /** Service port. */
  readonly port: number;
}

/** Element Web's route: `/` on its own host, with the security headers to send there. */
export interface ElementWebRouteRef {
  /** Public host Element Web is served on. */
  readonly host: string;
  /** The Element Web Service. */
  readonly backend: IngressBackendRef;
  /**
   * Response headers to send on `host` only (Traefik headers Middleware, Gateway API ResponseHeaderModifier, or the opt-in ingress-nginx snippet).
   * @default none
   */
  readonly responseHeaders?: Record<string, string>;
  /**
   * Secret of the certificate for `host` (Ingress with TLS).
   * @default 'element-web-certificate'
   */
  readonly tlsSecretName?: string;
  /**
   * With ingress class nginx, send `responseHeaders` through a `configuration-snippet` annotation (needs snippets allowed on the controller).
   * @default false
   */
  readonly nginxConfigurationSnippet?: boolean;
}

/** What public HTTP routing serves: the host, the backends and the object naming (shared by `MatrixIngress` and `MatrixHttpRoute`). */
export interface MatrixRoutingTargets {
  /** The Matrix server name: the host of every route unless `publicHost` names another. */
  readonly serverName: string;

  /**
   * Host clients and federation connect to, where every route lives (Matrix delegation: IDs on `serverName`, the server on this host).
   * @default serverName
   */
  readonly publicHost?: string;

  /**
   * When `publicHost` differs from `serverName`, also route `/.well-known/matrix` on the server name (false when the apex website is served elsewhere and publishes the documents itself).
   * @default true
   */
  readonly routeWellKnownOnServerName?: boolean;

  /**
   * Prefix for every object name.
   * @default ''
   */
  readonly namePrefix?: string;

  /**
   * Labels added to every object.
   * @default none
   */
  readonly labels?: Record<string, string>;

  /**
   * The homeserver Service (`/.well-known/matrix`, `/_matrix`).
   * @default no homeserver routes
   */
  readonly homeserver?: IngressBackendRef;

  /**
   * The lk-jwt-service Service (`/sfu`, `/get_token`, and with release `V0_6` `/delegate_delayed_leave`).
   * @default no lk-jwt-service routes
   */
  readonly lkJwt?: IngressBackendRef;

  /**
   * Release of lk-jwt-service, which decides its paths: `V0_6` adds `/delegate_delayed_leave`, and `/sfu_webhook` when there is no bundled SFU (an external LiveKit posts its webhooks from outside).
   * @default LkJwtRelease.V0_5 (`/sfu`, `/get_token`)
   */
  readonly lkJwtRelease?: LkJwtRelease;

  /**
   * The LiveKit signaling Service (`/rtc`, `/twirp`; bundled SFU only).
   * @default no LiveKit routes
   */
  readonly livekitSignaling?: IngressBackendRef;

  /**
   * Element Web, routed on its own host (a separate Ingress, or an HTTPRoute of its own) with its response headers.
   * @default no Element Web route
   */
  readonly elementWeb?: ElementWebRouteRef;

  /**
   * Host of LiveKit's public URL when it is not the server name: `/rtc` and `/twirp` are routed there too (an Ingress rule in the TLS block, or a second HTTPRoute).
   * @default LiveKit is reached on the server name
   */
  readonly livekitHost?: string;
}

/** Path prefixes each backend serves. */
export const HOMESERVER_PATHS = ['/.well-known/matrix', '/_matrix'];
export const LIVEKIT_PATHS = ['/rtc', '/twirp'];

/** One route of the ingress. */
export interface MatrixRoute {
  /** Path prefix. */
  readonly path: string;
  /** Backend. */
  readonly backend: IngressBackendRef;
}

/** The hosts routing serves: every route on the public host, delegation documents and LiveKit on their own hosts when they differ. */
export interface RoutingHosts {
  readonly publicHost: string;
  /** The server name, when it differs from the public host and carries `/.well-known/matrix`. */
  readonly wellKnownHost?: string;
  /** LiveKit's own host, when it differs from the public host. */
  readonly livekitHost?: string;
}

export function routingHosts(props: MatrixRoutingTargets): RoutingHosts {
  const publicHost = props.publicHost ?? props.serverName;
  const delegated = publicHost !== props.serverName;
  return {
    publicHost,
    wellKnownHost: delegated && props.homeserver !== undefined && (props.routeWellKnownOnServerName ?? true) ? props.serverName : undefined,
    livekitHost: props.livekitSignaling !== undefined && props.livekitHost !== publicHost ? props.livekitHost : undefined,
  };
}

/** The delegation documents only: what the server-name host serves when the server runs on another host. */
export function wellKnownRoutes(homeserver: IngressBackendRef | undefined): MatrixRoute[] {
  return homeserver ? [{ path: HOMESERVER_PATHS[0], backend: homeserver }] : [];
}

/** The routes on the public host, in a fixed order. */
export function matrixRoutes(props: Pick<MatrixRoutingTargets, 'homeserver' | 'lkJwt' | 'livekitSignaling' | 'lkJwtRelease'>): MatrixRoute[] {
  const routes: MatrixRoute[] = [];
  const add = (paths: string[], backend: IngressBackendRef | undefined) => {
    if (backend) for (const path of paths) routes.push({ path, backend });
  };
  add(HOMESERVER_PATHS, props.homeserver);
  add(lkJwtPaths(props.lkJwtRelease, props.livekitSignaling === undefined), props.lkJwt);
  add(LIVEKIT_PATHS, props.livekitSignaling);
  return routes;
}
