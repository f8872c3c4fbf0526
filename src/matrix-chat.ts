// MatrixChat, the whole stack: its props, the checks across components, and the wiring of the component constructs.
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ContentSecurityPolicySources, contentSecurityPolicySources, livekitOrigins, mergeContentSecurityPolicy } from './csp';
import { ElementWeb, ElementWebSettings } from './element-web';
import { MatrixHttpRoute, Routing, RoutingKind } from './gateway-routes';
import { Homeserver, HomeserverSettings } from './homeserver';
import { clientIpRouting, withClientIpRouting } from './homeserver-features';
import { MatrixIngress, MatrixIngressOptions } from './ingress';
import { checkObjectSizes } from './k8s-rules';
import { checkUnknownProps } from './known-props';
import { LiveKit, LiveKitSettings } from './livekit';
import { liveKitCredentials } from './livekit-settings';
import { LkJwt, LkJwtSettings, lkJwtReleaseOf } from './lk-jwt';
import { servesDelayedLeave } from './lk-jwt-release';
import { MatrixChatResolved, checkMatrixChat } from './matrix-chat-checks';
import { MatrixNetworkPolicies } from './network-policies';
import { SchedulingProps, apiObjectsOf } from './pod';
import { sanitizeProps } from './prop-types';
import { ElementWebRouteRef, IngressBackendRef } from './routing';
import { ServiceIpFamilyProps } from './service-ip-families';
import { TurnRelay } from './turn-relay';
import { Problems, parseUrl, reportProblems } from './validation';
import { ValidationScope, inScope } from './validation-scope';

/** The homeserver part of `MatrixChat`. */
export interface MatrixChatHomeserverOptions extends HomeserverSettings {
  /**
   * Deploy the Tuwunel homeserver.
   * @default true
   */
  readonly enabled?: boolean;
}

/** The LiveKit part of `MatrixChat`. */
export interface MatrixChatLiveKitOptions extends LiveKitSettings {
  /**
   * Deploy the bundled SFU; false uses an external LiveKit at `publicUrl` with credentials from `keys.existingSecret`.
   * @default true
   */
  readonly enabled?: boolean;
}

/** The lk-jwt-service part of `MatrixChat`. */
export interface MatrixChatLkJwtOptions extends LkJwtSettings {
  /**
   * Deploy lk-jwt-service (needed for calls).
   * @default true
   */
  readonly enabled?: boolean;
}

/** The Element Web part of `MatrixChat`: the browser client on a host of its own. */
export interface MatrixChatElementWebOptions extends ElementWebSettings {
  /**
   * Deploy Element Web on `host` (it is deployed only when `elementWeb` is set).
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Secret holding the certificate for `host`, when `ingress.tls.enabled` (cert-manager creates it when `ingress.tls.clusterIssuer` is set).
   * @default 'element-web-certificate'
   */
  readonly tlsSecretName?: string;

  /**
   * Send the security headers (`ElementWeb.responseHeaders`) from ingress-nginx through a `configuration-snippet` annotation on Element Web's Ingress; needs `allow-snippet-annotations: "true"` (off by default since ingress-nginx 1.9) and, from 1.12, `annotations-risk-level: Critical` on the controller, else the Ingress is rejected.
   * @default false: with ingress class nginx the headers are left to you (Element Web's own page still carries its meta-tag policy)
   */
  readonly nginxConfigurationSnippet?: boolean;
}

/** NetworkPolicies of the stack. */
export interface NetworkPolicyOptions {
  /**
   * Create one NetworkPolicy per pod.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Namespace of the ingress controller (or Gateway implementation): the homeserver and lk-jwt-service then admit HTTP only from it and from the stack's own pods; LiveKit media stays open.
   * @default HTTP admitted from any source, as the reference chart's in-namespace assumption would otherwise drop the ingress controller's traffic
   */
  readonly ingressControllerNamespace?: string;
}

/** Publishing the Matrix delegation documents on the server name. */
export interface WellKnownOptions {
  /**
   * Route `/.well-known/matrix` on the server name too (an extra Ingress rule and TLS host, or an HTTPRoute), when `publicHost` differs from it; false when the apex website is served elsewhere and publishes `wellKnownClient`/`wellKnownServer` itself.
   * @default true
   */
  readonly routeOnServerName?: boolean;
}

/** Props of `MatrixChat`. */
export interface MatrixChatProps extends ServiceIpFamilyProps {
  /** The Matrix server name: ingress host, part of every user and room ID, and immutable once users exist. */
  readonly serverName: string;

  /**
   * Host clients and federation connect to, where every route lives; set it to run the server on e.g. `matrix.example.org` while user IDs stay on the apex `example.org` (Matrix delegation).
   * @default serverName
   */
  readonly publicHost?: string;

  /**
   * The delegation documents on the server name, when `publicHost` differs from it.
   * @default routed on the server name
   */
  readonly wellKnown?: WellKnownOptions;

  /**
   * Prefix for every object name; empty gives exactly the reference Helm chart's names.
   * @default ''
   */
  readonly namePrefix?: string;

  /**
   * The Tuwunel homeserver.
   * @default enabled, with registration guarded by a token you must provide
   */
  readonly homeserver?: MatrixChatHomeserverOptions;

  /**
   * The LiveKit SFU (bundled) or an external LiveKit.
   * @default bundled, with credentials you must provide
   */
  readonly livekit?: MatrixChatLiveKitOptions;

  /**
   * lk-jwt-service, the call token broker.
   * @default enabled
   */
  readonly lkJwt?: MatrixChatLkJwtOptions;

  /**
   * Element Web, the browser client, served on its own host and set up for this homeserver and its calls.
   * @default not deployed
   */
  readonly elementWeb?: MatrixChatElementWebOptions;

  /**
   * NetworkPolicies.
   * @default enabled
   */
  readonly networkPolicy?: NetworkPolicyOptions;

  /**
   * The Ingress on the server name (with `Routing.ingress()`).
   * @default enabled, class nginx, no TLS
   */
  readonly ingress?: MatrixIngressOptions;

  /**
   * How public HTTP reaches the stack: an Ingress, or Gateway API HTTPRoutes attached to your Gateway.
   * @default Routing.ingress()
   */
  readonly routing?: Routing;

  /**
   * Node selector, tolerations and affinity for every pod.
   * @default no scheduling constraints
   */
  readonly scheduling?: SchedulingProps;

  /**
   * Secrets used to pull every image.
   * @default none
   */
  readonly imagePullSecrets?: string[];

  /**
   * Labels added to every object.
   * @default none
   */
  readonly labels?: Record<string, string>;

  /**
   * Annotate the objects that hold data or inline secrets (the claims the stack creates, the inline Secrets) so Argo CD and Flux never prune them.
   * @default true
   */
  readonly gitOpsPruneProtection?: boolean;
}

function resolveMatrixChat(props: MatrixChatProps): MatrixChatResolved {
  const routing = props.routing ?? Routing.ingress();
  const gatewayApi = routing.kind === RoutingKind.GATEWAY_API ? routing.gatewayApiOptions : undefined;
  const livekitBundled = props.livekit?.enabled ?? true;
  const publicHost = props.publicHost ?? props.serverName;
  // A bundled SFU whose public URL names its own host is routed on that host as well (only a
  // URL the user set can: the default is on the public host).
  const livekitUrlHost = livekitBundled ? parseUrl(props.livekit?.publicUrl, ['wss', 'ws'])?.hostname : undefined;
  const lkJwtEnabled = props.lkJwt?.enabled ?? true;
  const lkJwtRelease = lkJwtReleaseOf(props.lkJwt);
  // Webhooks are on by default once lk-jwt-service serves /sfu_webhook (0.6.0); 0.5.0 would answer 404.
  const webhooksEnabled = props.livekit?.webhooks?.enabled ?? (livekitBundled && lkJwtEnabled && servesDelayedLeave(lkJwtRelease));
  return {
    props,
    serverName: props.serverName,
    publicHost,
    routeWellKnownOnServerName: props.wellKnown?.routeOnServerName ?? true,
    homeserverEnabled: props.homeserver?.enabled ?? true,
    livekitBundled,
    lkJwtEnabled,
    lkJwtRelease,
    webhooksEnabled,
    elementWebEnabled: props.elementWeb !== undefined && (props.elementWeb.enabled ?? true),
    networkPoliciesEnabled: props.networkPolicy?.enabled ?? true,
    gatewayApi,
    ingressEnabled: !gatewayApi && (props.ingress?.enabled ?? true),
    shared: {
      namePrefix: props.namePrefix,
      labels: props.labels,
      scheduling: props.scheduling,
      imagePullSecrets: props.imagePullSecrets,
      ipFamilyPolicy: props.ipFamilyPolicy,
      ipFamilies: props.ipFamilies,
      gitOpsPruneProtection: props.gitOpsPruneProtection,
    },
    livekitPublicUrl: props.livekit?.publicUrl ?? (livekitBundled ? `wss://${publicHost}` : undefined),
    livekitHost: livekitUrlHost !== undefined && livekitUrlHost !== publicHost ? livekitUrlHost : undefined,
    ingressNamespace: props.networkPolicy?.ingressControllerNamespace,
  };
}

/** The scope of a component under MatrixChat: its props sit under `path`, and MatrixChat validates the shared ones. */
function under(path: string): ValidationScope {
  return { prefix: `${path}.`, parentValidated: true };
}

/**
 * A complete Matrix chat and calling stack: Tuwunel homeserver, LiveKit SFU (bundled or
 * external) with optional TURNS, lk-jwt-service, one Ingress and one NetworkPolicy per pod.
 *
 * Every misconfiguration is reported at synth, all at once.
 */
export class MatrixChat extends Construct {
  /** The homeserver, unless disabled. */
  public readonly homeserver?: Homeserver;
  /** The bundled SFU, unless disabled or external. */
  public readonly livekit?: LiveKit;
  /** The TURNS relay, when enabled on the bundled SFU. */
  public readonly turnRelay?: TurnRelay;
  /** lk-jwt-service, unless disabled. */
  public readonly lkJwt?: LkJwt;
  /** Element Web, when `elementWeb` is set. */
  public readonly elementWeb?: ElementWeb;
  /** The Ingress, unless disabled, replaced by Gateway API routing, or there is nothing to route. */
  public readonly ingress?: MatrixIngress;
  /** The Gateway API HTTPRoute, with `Routing.gatewayApi()`. */
  public readonly httpRoute?: MatrixHttpRoute;
  /** The NetworkPolicies, unless disabled. */
  public readonly networkPolicies?: MatrixNetworkPolicies;
  /** Origins a web app embedding the chat must allow in its Content-Security-Policy. */
  public readonly contentSecurityPolicy: ContentSecurityPolicySources;
  /** LiveKit's public URL handed to browsers, when calls are configured. */
  public readonly livekitPublicUrl?: string;
  /** The JSON document served at `/.well-known/matrix/client` (base URL on the public host, and the MatrixRTC transport when lk-jwt-service is deployed), for publishing it where the apex is hosted. */
  public readonly wellKnownClient: string;
  /** The JSON document served at `/.well-known/matrix/server` (federation delegation to `<publicHost>:443`). */
  public readonly wellKnownServer: string;

  constructor(scope: Construct, id: string, props: MatrixChatProps) {
    super(scope, id);
    const problems = new Problems();
    // Untyped callers (JavaScript, YAML): a wrong type is a problem naming its path, and the value is dropped so construction goes on.
    checkUnknownProps(this, 'MatrixChatProps', props);
    props = sanitizeProps(problems, 'MatrixChatProps', props);
    const settings = resolveMatrixChat(props);
    this.livekitPublicUrl = settings.livekitPublicUrl;
    this.wellKnownClient = wellKnownClientDocument(settings.publicHost, livekitServiceUrlOf(settings));
    this.wellKnownServer = wellKnownServerDocument(settings.publicHost);
    checkMatrixChat(problems, settings);

    this.homeserver = settings.homeserverEnabled ? this.createHomeserver(settings) : undefined;
    this.livekit = settings.livekitBundled ? this.createLiveKit(settings) : undefined;
    this.turnRelay = this.livekit?.turnRelay;
    this.lkJwt = settings.lkJwtEnabled ? this.createLkJwt(settings) : undefined;
    this.elementWeb = settings.elementWebEnabled ? this.createElementWeb(settings) : undefined;
    const anyWorkload = this.homeserver !== undefined || this.lkJwt !== undefined || this.livekit !== undefined || this.elementWeb !== undefined;
    const routes = anyWorkload ? this.createRouting(settings) : {};
    this.ingress = routes.ingress;
    this.httpRoute = routes.httpRoute;
    if (settings.networkPoliciesEnabled && anyWorkload) {
      this.networkPolicies = new MatrixNetworkPolicies(this, 'network-policies', inScope({
        namePrefix: props.namePrefix,
        labels: props.labels,
        homeserver: this.homeserver,
        livekit: this.livekit,
        lkJwt: this.lkJwt,
        elementWeb: this.elementWeb,
        ingressControllerNamespace: settings.ingressNamespace,
      }, { prefix: '', parentValidated: true }));
    }
    this.contentSecurityPolicy = contentSecurityPolicySources(
      settings.homeserverEnabled ? settings.publicHost : undefined,
      this.lkJwt || this.livekit ? this.livekitPublicUrl : undefined,
    );
    checkObjectSizes(this, props, () => apiObjectsOf(this));
    reportProblems(this, problems);
  }

  /**
   * Adds the stack's CSP sources to an existing Content-Security-Policy header value, creating
   * each directive where it is missing and adding no duplicates.
   */
  public mergeContentSecurityPolicy(policy: string): string {
    return mergeContentSecurityPolicy(policy, this.contentSecurityPolicy);
  }

  /** Every object the stack generated, for escape hatches (`addJsonPatch`, labels). */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }

  private createHomeserver(s: MatrixChatResolved): Homeserver {
    // The client IP source follows the proxy in front and whether the NetworkPolicy lets callers bypass it.
    const routing = clientIpRouting(s.gatewayApi !== undefined, s.ingressEnabled ? s.props.ingress?.className ?? 'nginx' : undefined, s.networkPoliciesEnabled && s.ingressNamespace !== undefined);
    return new Homeserver(this, 'homeserver', inScope(withClientIpRouting({
      ...s.props.homeserver,
      ...s.shared,
      serverName: s.serverName,
      publicHost: s.publicHost,
      livekitServiceUrl: livekitServiceUrlOf(s),
    }, routing), under('homeserver')));
  }

  private createLiveKit(s: MatrixChatResolved): LiveKit {
    const webhooks = { ...s.props.livekit?.webhooks, enabled: s.webhooksEnabled };
    return new LiveKit(this, 'livekit', inScope({ ...s.props.livekit, webhooks, ...s.shared }, under('livekit')));
  }

  private createLkJwt(s: MatrixChatResolved): LkJwt {
    return new LkJwt(this, 'lk-jwt', inScope({
      ...s.props.lkJwt,
      ...s.shared,
      serverName: s.serverName,
      publicHost: s.publicHost,
      // Delegated leave events go to the homeserver Service, not back out through the public ingress (0.6.0 only).
      homeserverUrl: this.homeserver && servesDelayedLeave(s.lkJwtRelease) ? `http://${this.homeserver.name}:${this.homeserver.port}` : undefined,
      // Validation reports a missing URL; the placeholder keeps construction going so all errors surface together.
      livekitUrl: s.livekitPublicUrl ?? '',
      credentials: this.livekit?.credentials ?? liveKitCredentials(s.props.livekit?.keys, s.props.namePrefix),
      credentialsHash: this.livekit?.credentialsHash,
    }, under('lkJwt')));
  }

  private createElementWeb(s: MatrixChatResolved): ElementWeb {
    const calls = this.lkJwt !== undefined || this.livekit !== undefined;
    // The browser connects to the homeserver and the server name (added by ElementWeb), LiveKit, and
    // lk-jwt-service when it is not on the public host; ws:// would be blocked as mixed content anyway.
    const serviceUrl = parseUrl(livekitServiceUrlOf(s), ['https']);
    const connectSources = [
      ...(calls ? livekitOrigins(s.livekitPublicUrl).filter((o) => /^(wss|https):/.test(o)) : []),
      ...(serviceUrl && serviceUrl.hostname !== s.publicHost ? [serviceUrl.origin] : []),
    ];
    const { enabled: _enabled, tlsSecretName: _tls, nginxConfigurationSnippet: _snippet, ...web } = s.props.elementWeb!;
    return new ElementWeb(this, 'element-web', inScope({
      ...web,
      ...s.shared,
      homeserverUrl: `https://${s.publicHost}`,
      serverName: s.serverName,
      connectSources: [...new Set(connectSources)],
    }, under('elementWeb')));
  }

  /** The Ingress or the Gateway API routes to the components that exist. */
  private createRouting(s: MatrixChatResolved): { ingress?: MatrixIngress; httpRoute?: MatrixHttpRoute } {
    const backends: Record<'homeserver' | 'lkJwt' | 'livekitSignaling', IngressBackendRef | undefined> = {
      homeserver: this.homeserver ? { serviceName: this.homeserver.name, port: this.homeserver.port } : undefined,
      lkJwt: this.lkJwt ? { serviceName: this.lkJwt.name, port: this.lkJwt.port } : undefined,
      livekitSignaling: this.livekit ? { serviceName: this.livekit.signalingServiceName, port: this.livekit.signalingPort } : undefined,
    };
    const web = s.props.elementWeb;
    const elementWeb: ElementWebRouteRef | undefined = this.elementWeb && {
      host: this.elementWeb.host,
      backend: { serviceName: this.elementWeb.name, port: this.elementWeb.port },
      responseHeaders: this.elementWeb.responseHeaders,
      tlsSecretName: web?.tlsSecretName,
      nginxConfigurationSnippet: web?.nginxConfigurationSnippet,
    };
    const targets = { ...backends, lkJwtRelease: this.lkJwt?.release, elementWeb };
    const props = s.props;
    const ingress = !s.ingressEnabled ? undefined : new MatrixIngress(this, 'ingress', inScope({
      ...props.ingress,
      ...targets,
      serverName: s.serverName,
      publicHost: s.publicHost,
      routeWellKnownOnServerName: s.routeWellKnownOnServerName,
      namePrefix: props.namePrefix,
      labels: props.labels,
      namespace: Chart.of(this).namespace,
      maxRequestSize: props.homeserver?.maxRequestSize,
      livekitHost: s.livekitHost,
    }, { prefix: 'ingress.', parentValidated: true }));
    const httpRoute = !s.gatewayApi ? undefined : new MatrixHttpRoute(this, 'http-route', inScope({
      ...targets,
      serverName: s.serverName,
      publicHost: s.publicHost,
      routeWellKnownOnServerName: s.routeWellKnownOnServerName,
      parentRefs: s.gatewayApi.parentRefs,
      namePrefix: props.namePrefix,
      labels: props.labels,
      livekitHost: s.livekitHost,
    }, { prefix: 'routing.', parentValidated: true }));
    return { ingress, httpRoute };
  }
}

/** The checks MatrixChat owns: the shared props, the values it derives for the components, and rules across components. */
/**
 * What Tuwunel serves at `/.well-known/matrix/client` (src/api/client/well_known.rs): the base URL
 * and, from `well_known.livekit_url`, the MSC4143 `rtc_foci` list.
 */
function wellKnownClientDocument(publicHost: string, livekitServiceUrl: string | undefined): string {
  const document = {
    'm.homeserver': { base_url: `https://${publicHost}` },
    ...(livekitServiceUrl !== undefined ? { 'org.matrix.msc4143.rtc_foci': [{ type: 'livekit', livekit_service_url: livekitServiceUrl }] } : {}),
  };
  return `${JSON.stringify(document, undefined, 2)}\n`;
}

function wellKnownServerDocument(publicHost: string): string {
  return `${JSON.stringify({ 'm.server': `${publicHost}:443` }, undefined, 2)}\n`;
}

/** lk-jwt-service's public base URL as the homeserver advertises it: on the public host by default. */
function livekitServiceUrlOf(s: MatrixChatResolved): string | undefined {
  return s.props.homeserver?.livekitServiceUrl ?? (s.lkJwtEnabled ? `https://${s.publicHost}` : undefined);
}
