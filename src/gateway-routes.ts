// Gateway API routing: the `Routing` choice of MatrixChat and the HTTPRoutes on the server name (and LiveKit's own host).
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { isDnsLabel } from './k8s-rules';
import { checkedProps } from './known-props';
import { BASE_NAMES, prefixed, recommendedLabels } from './names';
import { IngressBackendRef, MatrixRoute, MatrixRoutingTargets, matrixRoutes, routingHosts, wellKnownRoutes } from './routing';
import { checkRoutingTargets } from './routing-checks';
import { Problems, isObjectName, reportProblems, show } from './validation';
import { scopeOf } from './validation-scope';

/** A Gateway the routes attach to. */
export interface GatewayParentRef {
  /** Name of the Gateway. */
  readonly name: string;

  /**
   * Namespace of the Gateway (its listener must allow routes from the chart's namespace).
   * @default the chart's namespace
   */
  readonly namespace?: string;

  /**
   * Listener of the Gateway to attach to, e.g. its HTTPS listener.
   * @default every listener that accepts the route
   */
  readonly sectionName?: string;
}

/** Options of Gateway API routing. */
export interface GatewayApiRoutingOptions {
  /** The Gateways the HTTPRoute attaches to. */
  readonly parentRefs: GatewayParentRef[];
}

/** How public HTTP traffic reaches the stack. */
export enum RoutingKind {
  /** A networking.k8s.io/v1 Ingress. */
  INGRESS = 'INGRESS',
  /** Gateway API HTTPRoutes (gateway.networking.k8s.io/v1). */
  GATEWAY_API = 'GATEWAY_API',
}

/** The routing choice of `MatrixChat`: an Ingress (default) or Gateway API HTTPRoutes. */
export class Routing {
  /** Route through an Ingress, configured by `MatrixChatProps.ingress`. */
  public static ingress(): Routing {
    return new Routing(RoutingKind.INGRESS, undefined);
  }

  /** Route through Gateway API HTTPRoutes attached to your Gateway. */
  public static gatewayApi(options: GatewayApiRoutingOptions): Routing {
    return new Routing(RoutingKind.GATEWAY_API, options);
  }

  private constructor(
    /** The kind of routing. */
    public readonly kind: RoutingKind,
    /** Gateway API options, for `RoutingKind.GATEWAY_API`. */
    public readonly gatewayApiOptions?: GatewayApiRoutingOptions,
  ) {}
}

/** Props of `MatrixHttpRoute`. */
export interface MatrixHttpRouteProps extends MatrixRoutingTargets {
  /** The Gateways to attach to. */
  readonly parentRefs: GatewayParentRef[];
}

/**
 * One Gateway API HTTPRoute on the server name with the same paths and backends as
 * `MatrixIngress` (one rule per backend).
 */
export class MatrixHttpRoute extends Construct {
  /** The HTTPRoute on the server name. */
  public readonly route: ApiObject;
  /** The HTTPRoute on LiveKit's own host, when `livekitHost` differs from the server name. */
  public readonly livekitRoute?: ApiObject;
  /** The HTTPRoute serving `/.well-known/matrix` on the server name, when the server runs on another host. */
  public readonly wellKnownRoute?: ApiObject;
  /** The HTTPRoute of Element Web's host, when `elementWeb` is set. */
  public readonly elementWebRoute?: ApiObject;

  constructor(scope: Construct, id: string, props: MatrixHttpRouteProps) {
    super(scope, id);
    props = checkedProps(this, 'MatrixHttpRouteProps', props);
    const problems = new Problems();
    const name = prefixed(props.namePrefix, BASE_NAMES.httpRoute);
    // Inside MatrixChat the targets are derived and checked there, and the Gateways are `routing.parentRefs`.
    const { prefix: p, parentValidated } = scopeOf(props);
    if (!parentValidated) checkRoutingTargets(problems, props);
    const refs = props.parentRefs ?? [];
    if (refs.length === 0) {
      problems.add(`${p}parentRefs`, props.parentRefs === undefined ? 'is not set' : 'is empty', 'an HTTPRoute attached to no Gateway serves nothing, so the homeserver is unreachable', 'name the Gateway that serves the server name');
    }
    refs.forEach((ref, index) => {
      const at = `${p}parentRefs[${index}]`;
      if (!isObjectName(ref.name)) problems.add(`${at}.name`, `${show(ref.name)} is not a Gateway name`, 'the route never attaches and nothing is reachable', 'name an existing Gateway');
      if (ref.namespace !== undefined && !isDnsLabel(ref.namespace)) problems.add(`${at}.namespace`, `${show(ref.namespace)} is not a namespace name (a DNS label)`, 'the route never attaches and nothing is reachable', 'name the Gateway\'s namespace');
      if (ref.sectionName !== undefined && !isObjectName(ref.sectionName)) problems.add(`${at}.sectionName`, `${show(ref.sectionName)} is not a listener name`, 'the route never attaches and nothing is reachable', 'name a listener of the Gateway, e.g. "https"');
    });

    const parentRefs = refs.map((ref) => ({
      group: 'gateway.networking.k8s.io',
      kind: 'Gateway',
      name: ref.name,
      ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}),
      ...(ref.sectionName !== undefined ? { sectionName: ref.sectionName } : {}),
    }));
    const httpRoute = (constructId: string, routeName: string, hostname: string, routes: MatrixRoute[], filters?: unknown[]) => {
      // Group the fixed route list by backend: one rule per Service, matching its path prefixes.
      const rules: Array<{ backend: IngressBackendRef; paths: string[] }> = [];
      for (const route of routes) {
        const rule = rules.find((r) => r.backend === route.backend);
        if (rule) rule.paths.push(route.path);
        else rules.push({ backend: route.backend, paths: [route.path] });
      }
      return new ApiObject(this, constructId, {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: routeName, labels: recommendedLabels('matrix-chat', 'routing', routeName, props.labels) },
        spec: {
          parentRefs,
          hostnames: [hostname],
          rules: rules.map((rule) => ({
            matches: rule.paths.map((path) => ({ path: { type: 'PathPrefix', value: path } })),
            ...(filters ? { filters } : {}),
            backendRefs: [{ name: rule.backend.serviceName, port: rule.backend.port }],
          })),
        },
      } as any);
    };
    const { publicHost, wellKnownHost, livekitHost } = routingHosts(props);
    this.route = httpRoute('route', name, publicHost, matrixRoutes(props));
    if (wellKnownHost !== undefined) {
      // A route of its own, so the server-name host serves the delegation documents and nothing else.
      this.wellKnownRoute = httpRoute('well-known-route', prefixed(props.namePrefix, BASE_NAMES.wellKnownHttpRoute), wellKnownHost, wellKnownRoutes(props.homeserver));
    }
    if (livekitHost !== undefined) {
      const livekitName = prefixed(props.namePrefix, BASE_NAMES.livekitHttpRoute);
      this.livekitRoute = httpRoute('livekit-route', livekitName, livekitHost, matrixRoutes({ livekitSignaling: props.livekitSignaling }));
    }
    // An Element Web route without a backend (untyped callers) is reported by checkRoutingTargets and not built.
    const web = props.elementWeb?.backend !== undefined ? props.elementWeb : undefined;
    if (web !== undefined) {
      // ResponseHeaderModifier (HTTPRoute filter, standard channel) sets the headers on this host's responses only.
      const headers = Object.entries(web.responseHeaders ?? {}).map(([headerName, value]) => ({ name: headerName, value }));
      const filters = headers.length > 0 ? [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: headers } }] : undefined;
      this.elementWebRoute = httpRoute('element-web-route', prefixed(props.namePrefix, BASE_NAMES.elementWebHttpRoute), web.host, [{ path: '/', backend: web.backend }], filters);
    }
    reportProblems(this, problems);
  }
}
