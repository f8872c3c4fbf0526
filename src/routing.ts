// The routing model shared by the Ingress and the Gateway API routes: backends, path prefixes and the fixed route list.

/** One backend Service of the ingress. */
export interface IngressBackendRef {
  /** Service name. */
  readonly serviceName: string;
  /** Service port. */
  readonly port: number;
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
   * The lk-jwt-service Service (`/sfu`, `/get_token`, `/delegate_delayed_leave`).
   * @default no lk-jwt-service routes
   */
  readonly lkJwt?: IngressBackendRef;

  /**
   * The LiveKit signaling Service (`/rtc`, `/twirp`; bundled SFU only).
   * @default no LiveKit routes
   */
  readonly livekitSignaling?: IngressBackendRef;

  /**
   * Host of LiveKit's public URL when it is not the server name: `/rtc` and `/twirp` are routed there too (an Ingress rule in the TLS block, or a second HTTPRoute).
   * @default LiveKit is reached on the server name
   */
  readonly livekitHost?: string;
}

/** Path prefixes each backend serves. */
export const HOMESERVER_PATHS = ['/.well-known/matrix', '/_matrix'];
/** `/get_token` and `/delegate_delayed_leave` are what current clients call; `/sfu` serves older ones. */
export const LK_JWT_PATHS = ['/sfu', '/get_token', '/delegate_delayed_leave'];
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
export function matrixRoutes(props: Pick<MatrixRoutingTargets, 'homeserver' | 'lkJwt' | 'livekitSignaling'>): MatrixRoute[] {
  const routes: MatrixRoute[] = [];
  const add = (paths: string[], backend: IngressBackendRef | undefined) => {
    if (backend) for (const path of paths) routes.push({ path, backend });
  };
  add(HOMESERVER_PATHS, props.homeserver);
  add(LK_JWT_PATHS, props.lkJwt);
  add(LIVEKIT_PATHS, props.livekitSignaling);
  return routes;
}
